using System.Text.Json.Serialization;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;

namespace Automation.Server.Elsa.ActivityExecutions;

/// <summary>Elsa's activity execution status.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ElsaActivityStatus>))]
internal enum ElsaActivityStatus
{
    Pending,
    Running,
    Completed,
    Canceled,
    Faulted,
}

/// <summary>One execution of one activity, derived from the journal.</summary>
internal sealed record ElsaActivityExecutionRecord(
    string Id,
    string WorkflowInstanceId,
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    int ActivityTypeVersion,
    string? ActivityName,
    IReadOnlyDictionary<string, object?>? ActivityState,
    IReadOnlyDictionary<string, object?>? Payload,
    IReadOnlyDictionary<string, object?>? Outputs,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyDictionary<string, object?> Metadata,
    ElsaExceptionState? Exception,
    DateTimeOffset StartedAt,
    bool HasBookmarks,
    ElsaActivityStatus Status,
    int AggregateFaultCount,
    DateTimeOffset? CompletedAt);

/// <summary>The light form of <see cref="ElsaActivityExecutionRecord"/>.</summary>
internal sealed record ElsaActivityExecutionSummary(
    string Id,
    string WorkflowInstanceId,
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    int ActivityTypeVersion,
    string? ActivityName,
    DateTimeOffset StartedAt,
    bool HasBookmarks,
    IReadOnlyDictionary<string, object?> Metadata,
    ElsaActivityStatus Status,
    DateTimeOffset? CompletedAt)
{
    public static ElsaActivityExecutionSummary From(ElsaActivityExecutionRecord r) =>
        new(r.Id, r.WorkflowInstanceId, r.ActivityId, r.ActivityNodeId, r.ActivityType, r.ActivityTypeVersion, r.ActivityName, r.StartedAt, r.HasBookmarks, r.Metadata, r.Status, r.CompletedAt);
}

/// <summary>An incident message in Elsa's exception shape (message only; no stack traces leave the server).</summary>
internal sealed record ElsaExceptionState(string Type, string Message, string? StackTrace, ElsaExceptionState? InnerException);

/// <summary>Per-node counts for the instance viewer's badges.</summary>
internal sealed record ElsaActivityExecutionStats(
    string ActivityId,
    string ActivityNodeId,
    long StartedCount,
    long CompletedCount,
    long UncompletedCount,
    bool IsBlocked,
    bool IsFaulted);

/// <summary>A journal line in Elsa's <c>WorkflowExecutionLogRecord</c> shape.</summary>
internal sealed record ElsaExecutionLogRecord(
    string Id,
    string WorkflowInstanceId,
    string ActivityInstanceId,
    string? ParentActivityInstanceId,
    string ActivityId,
    string ActivityType,
    int ActivityTypeVersion,
    string? ActivityName,
    string NodeId,
    string ActivityNodeId,
    DateTimeOffset Timestamp,
    long Sequence,
    string EventName,
    string? Message,
    string? Source,
    IReadOnlyDictionary<string, object?>? ActivityState,
    object? Payload);

/// <summary>
/// Turns an instance's journal into Elsa's views: each <c>Started</c> opens an activity execution, which
/// <c>Suspended</c> marks as blocked, <c>Resumed</c> continues, and <c>Completed</c> or <c>Faulted</c> closes.
/// </summary>
internal sealed class ActivityExecutionLog
{
    private ActivityExecutionLog(IReadOnlyList<ElsaActivityExecutionRecord> records, IReadOnlyList<ElsaExecutionLogRecord> journal)
    {
        Records = records;
        Journal = journal;
    }

    public IReadOnlyList<ElsaActivityExecutionRecord> Records { get; }

    public IReadOnlyList<ElsaExecutionLogRecord> Journal { get; }

    public static ActivityExecutionLog Build(string instanceId, WorkflowStatus instanceStatus, WorkflowDefinition? definition, IReadOnlyList<JournalEntry> entries)
    {
        var nodes = definition?.Root.Activities.Where(a => a.Id.Length > 0).GroupBy(a => a.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
            ?? [];
        var open = new Dictionary<string, Builder>(StringComparer.Ordinal);
        var builders = new List<Builder>();
        var journal = new List<ElsaExecutionLogRecord>(entries.Count);
        foreach (var entry in entries.OrderBy(e => e.Sequence))
        {
            nodes.TryGetValue(entry.ActivityId, out var node);
            if (entry.Event == JournalEvent.Started || !open.TryGetValue(entry.ActivityNodeId, out var builder))
            {
                builder = new Builder
                {
                    Id = instanceId + ":" + entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Entry = entry,
                    Name = node?.Name,
                    TypeVersion = node?.Version ?? 1,
                    StartedAt = entry.Timestamp,
                };
                open[entry.ActivityNodeId] = builder;
                builders.Add(builder);
            }

            object? payload = null;
            switch (entry.Event)
            {
                case JournalEvent.Suspended:
                    builder.HasBookmarks = true;
                    break;
                case JournalEvent.Resumed:
                    builder.HasBookmarks = false;
                    break;
                case JournalEvent.Completed:
                    builder.Status = ElsaActivityStatus.Completed;
                    builder.CompletedAt = entry.Timestamp;
                    builder.HasBookmarks = false;
                    builder.Outcomes = Outcomes(entry.Outcomes);
                    payload = new Dictionary<string, object?> { ["outcomes"] = builder.Outcomes };
                    open.Remove(entry.ActivityNodeId);
                    break;
                case JournalEvent.Faulted:
                    builder.Status = ElsaActivityStatus.Faulted;
                    builder.Fault = entry.Message ?? "The activity faulted.";
                    builder.HasBookmarks = false;
                    open.Remove(entry.ActivityNodeId);
                    break;
            }

            journal.Add(new ElsaExecutionLogRecord(
                instanceId + ":j" + entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                instanceId,
                builder.Id,
                null,
                entry.ActivityId,
                entry.ActivityType,
                builder.TypeVersion,
                builder.Name,
                entry.ActivityNodeId,
                entry.ActivityNodeId,
                entry.Timestamp,
                entry.Sequence,
                entry.Event.ToString(),
                entry.Message,
                null,
                null,
                payload));
        }

        if (instanceStatus == WorkflowStatus.Cancelled)
        {
            foreach (var builder in open.Values)
            {
                builder.Status = ElsaActivityStatus.Canceled;
                builder.HasBookmarks = false;
            }
        }

        return new ActivityExecutionLog(builders.Select(b => b.ToRecord(instanceId)).ToList(), journal);
    }

    public IReadOnlyList<ElsaActivityExecutionStats> Stats(IReadOnlyCollection<string>? activityNodeIds) =>
        Records
            .Where(r => activityNodeIds is null || activityNodeIds.Count == 0 || activityNodeIds.Contains(r.ActivityNodeId))
            .GroupBy(r => r.ActivityNodeId, StringComparer.Ordinal)
            .Select(g =>
            {
                var started = g.LongCount();
                var completed = g.LongCount(r => r.Status == ElsaActivityStatus.Completed);
                return new ElsaActivityExecutionStats(g.First().ActivityId, g.Key, started, completed, started - completed,
                    g.Any(r => r.HasBookmarks), g.Any(r => r.Status == ElsaActivityStatus.Faulted));
            })
            .ToList();

    private static string[] Outcomes(string? outcomes) =>
        string.IsNullOrEmpty(outcomes) ? [] : outcomes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed class Builder
    {
        public required string Id { get; init; }
        public required JournalEntry Entry { get; init; }
        public string? Name { get; init; }
        public int TypeVersion { get; init; }
        public DateTimeOffset StartedAt { get; init; }
        public bool HasBookmarks { get; set; }
        public ElsaActivityStatus Status { get; set; } = ElsaActivityStatus.Running;
        public DateTimeOffset? CompletedAt { get; set; }
        public string[]? Outcomes { get; set; }
        public string? Fault { get; set; }

        public ElsaActivityExecutionRecord ToRecord(string instanceId) => new(
            Id,
            instanceId,
            Entry.ActivityId,
            Entry.ActivityNodeId,
            Entry.ActivityType,
            TypeVersion,
            Name,
            null,
            Outcomes is null ? null : new Dictionary<string, object?> { ["outcomes"] = Outcomes },
            null,
            new Dictionary<string, object?>(),
            new Dictionary<string, object?>(),
            Fault is null ? null : new ElsaExceptionState("ActivityFault", Fault, null, null),
            StartedAt,
            HasBookmarks,
            Status,
            Fault is null ? 0 : 1,
            CompletedAt);
    }
}
