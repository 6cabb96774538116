using Automation.Engine.Execution;

namespace Automation.Engine.Persistence;

/// <summary>An instance as lists show it, without its state document.</summary>
public sealed record InstanceSummary
{
    /// <summary>The instance id.</summary>
    public required string Id { get; init; }
    /// <summary>The definition id.</summary>
    public required string DefinitionId { get; init; }
    /// <summary>The definition version id.</summary>
    public required string DefinitionVersionId { get; init; }
    /// <summary>The definition version number.</summary>
    public int Version { get; init; }
    /// <summary>The status.</summary>
    public WorkflowStatus Status { get; init; }
    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>How many incidents it has.</summary>
    public int IncidentCount { get; init; }
    /// <summary>Created at.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last changed at.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Finished at.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}
