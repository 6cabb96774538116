using Automation.Engine.Execution;

namespace Automation.Engine.Persistence;

/// <summary>A filter and page over instances, newest first.</summary>
public sealed record InstanceQuery
{
    /// <summary>Only this definition.</summary>
    public string? DefinitionId { get; init; }
    /// <summary>Only this status.</summary>
    public WorkflowStatus? Status { get; init; }
    /// <summary>Only this correlation id.</summary>
    public string? CorrelationId { get; init; }
    /// <summary>Items to skip. Default 0.</summary>
    public int Skip { get; init; }
    /// <summary>Items to return. Default 50.</summary>
    public int Take { get; init; } = 50;
}

/// <summary>A page of instances and the total matching the filter.</summary>
/// <param name="Items">The page.</param>
/// <param name="TotalCount">How many match in all.</param>
public sealed record InstancePage(IReadOnlyList<InstanceSummary> Items, long TotalCount);
