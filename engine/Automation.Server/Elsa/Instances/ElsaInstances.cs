using System.Text.Json.Serialization;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Server.Elsa.Instances;

/// <summary>Elsa's two-level instance status.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ElsaWorkflowStatus>))]
internal enum ElsaWorkflowStatus
{
    Running,
    Finished,
}

/// <summary>Elsa's instance sub-status.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ElsaWorkflowSubStatus>))]
internal enum ElsaWorkflowSubStatus
{
    Pending,
    Executing,
    Suspended,
    Finished,
    Cancelled,
    Faulted,
}

/// <summary>A row of Elsa's instance list.</summary>
internal sealed record ElsaWorkflowInstanceSummary(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int Version,
    ElsaWorkflowStatus Status,
    ElsaWorkflowSubStatus SubStatus,
    string? CorrelationId,
    string? Name,
    int IncidentCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>An incident as Elsa shows it.</summary>
internal sealed record ElsaActivityIncident(string ActivityId, string ActivityNodeId, string ActivityType, string Message, object? Exception, DateTimeOffset Timestamp);

/// <summary>A bookmark as Elsa shows it (no payload: it may carry data from the stimulus).</summary>
internal sealed record ElsaBookmark(string Id, string Name, string Hash, string ActivityId, string ActivityNodeId, string? CorrelationId, DateTimeOffset CreatedAt, DateTimeOffset? ResumeAt);

/// <summary>Elsa's workflow state document, filled from ours.</summary>
internal sealed record ElsaWorkflowState(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int DefinitionVersion,
    string? CorrelationId,
    ElsaWorkflowStatus Status,
    ElsaWorkflowSubStatus SubStatus,
    IReadOnlyList<ElsaBookmark> Bookmarks,
    IReadOnlyList<ElsaActivityIncident> Incidents,
    IReadOnlyDictionary<string, object?> Input,
    IReadOnlyDictionary<string, object?> Output,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyList<object> ActivityExecutionContexts,
    IReadOnlyList<object> CompletionCallbacks,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>Elsa's instance document.</summary>
internal sealed record ElsaWorkflowInstance(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int Version,
    ElsaWorkflowState WorkflowState,
    ElsaWorkflowStatus Status,
    ElsaWorkflowSubStatus SubStatus,
    bool IsExecuting,
    string? CorrelationId,
    string? Name,
    int IncidentCount,
    bool IsSystem,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>A variable value as the instance viewer shows it.</summary>
internal sealed record ElsaResolvedVariable(string Id, string Name, object? Value);

/// <summary>The polling answer while an instance runs.</summary>
internal sealed record ElsaExecutionState(ElsaWorkflowStatus Status, ElsaWorkflowSubStatus WorkflowSubStatus, DateTimeOffset UpdatedAt);

/// <summary>Maps our instance model onto Elsa's.</summary>
internal static class ElsaInstances
{
    public static (ElsaWorkflowStatus Status, ElsaWorkflowSubStatus SubStatus) Map(WorkflowStatus status) => status switch
    {
        WorkflowStatus.Running => (ElsaWorkflowStatus.Running, ElsaWorkflowSubStatus.Executing),
        WorkflowStatus.Suspended => (ElsaWorkflowStatus.Running, ElsaWorkflowSubStatus.Suspended),
        WorkflowStatus.Finished => (ElsaWorkflowStatus.Finished, ElsaWorkflowSubStatus.Finished),
        WorkflowStatus.Faulted => (ElsaWorkflowStatus.Finished, ElsaWorkflowSubStatus.Faulted),
        _ => (ElsaWorkflowStatus.Finished, ElsaWorkflowSubStatus.Cancelled),
    };

    /// <summary>Our statuses an Elsa status or sub-status filter selects.</summary>
    public static IEnumerable<WorkflowStatus> Matching(ElsaWorkflowStatus status) =>
        Enum.GetValues<WorkflowStatus>().Where(s => Map(s).Status == status);

    /// <inheritdoc cref="Matching(ElsaWorkflowStatus)"/>
    public static IEnumerable<WorkflowStatus> Matching(ElsaWorkflowSubStatus subStatus) =>
        Enum.GetValues<WorkflowStatus>().Where(s => Map(s).SubStatus == subStatus);

    public static ElsaWorkflowInstanceSummary ToSummary(InstanceSummary instance, string? name)
    {
        var (status, subStatus) = Map(instance.Status);
        return new ElsaWorkflowInstanceSummary(instance.Id, instance.DefinitionId, instance.DefinitionVersionId, instance.Version, status, subStatus,
            instance.CorrelationId, name, instance.IncidentCount, instance.CreatedAt, instance.UpdatedAt, instance.FinishedAt);
    }

    public static ElsaWorkflowState ToWorkflowState(WorkflowState state, WorkflowDefinition? definition)
    {
        var (status, subStatus) = Map(state.Status);
        return new ElsaWorkflowState(
            state.InstanceId,
            state.DefinitionId,
            state.DefinitionVersionId,
            state.DefinitionVersion,
            state.CorrelationId,
            status,
            subStatus,
            state.Bookmarks.Select(b => new ElsaBookmark(b.Id, b.Name, b.Hash, b.ActivityId, b.ActivityNodeId, b.CorrelationId, b.CreatedAt, b.ResumeAt)).ToList(),
            state.Incidents.Select(i => new ElsaActivityIncident(i.ActivityId, NodeIdOf(definition, i.ActivityId), i.ActivityType, i.Message, null, i.Timestamp)).ToList(),
            state.Input,
            new Dictionary<string, object?>(),
            new Dictionary<string, object?>(),
            [],
            [],
            state.CreatedAt,
            state.UpdatedAt,
            state.FinishedAt);
    }

    public static ElsaWorkflowInstance ToInstance(WorkflowState state, WorkflowDefinition? definition)
    {
        var (status, subStatus) = Map(state.Status);
        return new ElsaWorkflowInstance(state.InstanceId, state.DefinitionId, state.DefinitionVersionId, state.DefinitionVersion,
            ToWorkflowState(state, definition), status, subStatus, state.Status == WorkflowStatus.Running, state.CorrelationId,
            definition?.Name, state.Incidents.Count, false, state.CreatedAt, state.UpdatedAt, state.FinishedAt);
    }

    public static string NodeIdOf(WorkflowDefinition? definition, string activityId) =>
        definition?.Root.Activities.FirstOrDefault(a => a.Id == activityId)?.NodeId is { Length: > 0 } nodeId
            ? nodeId
            : "Workflow1:root:" + activityId;
}
