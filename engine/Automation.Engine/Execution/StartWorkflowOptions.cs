namespace Automation.Engine.Execution;

/// <summary>How to start an instance.</summary>
public sealed record StartWorkflowOptions
{
    /// <summary>The workflow input, by name (plain JSON values).</summary>
    public IReadOnlyDictionary<string, object?>? Input { get; init; }

    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Start at this trigger activity instead of the flowchart's start nodes.</summary>
    public string? TriggerActivityId { get; init; }

    /// <summary>The instance id to use; a new one by default.</summary>
    public string? InstanceId { get; init; }
}
