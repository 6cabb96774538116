using System.Text.Json.Nodes;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Persistence.Tests;

/// <summary>Builders for store test data. Every id is unique, so tests sharing one store stay independent.</summary>
internal static class TestData
{
    /// <summary>An instant the stores keep exactly (whole microseconds, UTC).</summary>
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }

    public static string Id(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    public static WorkflowDefinition Definition(string definitionId, int version, bool isLatest, bool isPublished, string? name = null) =>
        WorkflowDefinitionJson.Parse(new JsonObject
        {
            ["id"] = $"{definitionId}:v{version}",
            ["definitionId"] = definitionId,
            ["name"] = name ?? "Intake " + version,
            ["version"] = version,
            ["isLatest"] = isLatest,
            ["isPublished"] = isPublished,
            ["createdAt"] = Now().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["customDesignerField"] = new JsonObject { ["zoom"] = 1.5 },
            ["root"] = new JsonObject
            {
                ["type"] = WorkflowDefinitionJson.FlowchartType,
                ["id"] = "root",
                ["activities"] = new JsonArray(new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start" }),
                ["connections"] = new JsonArray(),
            },
        }.ToJsonString());

    public static WorkflowState State(string instanceId, string definitionId, DateTimeOffset? createdAt = null, WorkflowStatus status = WorkflowStatus.Running, string? correlationId = null)
    {
        var created = createdAt ?? Now();
        return new WorkflowState
        {
            InstanceId = instanceId,
            DefinitionId = definitionId,
            DefinitionVersionId = definitionId + ":v1",
            DefinitionVersion = 1,
            Status = status,
            CorrelationId = correlationId,
            CreatedAt = created,
            UpdatedAt = created,
        };
    }

    public static Bookmark Bookmark(string instanceId, string hash, string? correlationId = null, DateTimeOffset? resumeAt = null, DateTimeOffset? createdAt = null, object? payload = null) => new()
    {
        Id = Id("bm"),
        InstanceId = instanceId,
        ActivityId = "wait1",
        ActivityNodeId = "Workflow1:root:wait1",
        Name = resumeAt is null ? "Elsa.Event" : "Elsa.Delay",
        Hash = hash,
        CorrelationId = correlationId,
        Payload = payload,
        ResumeAt = resumeAt,
        CreatedAt = createdAt ?? Now(),
    };

    public static List<JournalEntry> Journal(int count, long firstSequence = 1, DateTimeOffset? start = null)
    {
        var at = start ?? Now();
        var entries = new List<JournalEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var sequence = firstSequence + i;
            var completed = i % 2 == 1;
            entries.Add(new JournalEntry(
                sequence,
                at.AddMilliseconds(i),
                "activity" + (i / 2),
                "Workflow1:root:activity" + (i / 2),
                "Elsa.WriteLine",
                completed ? JournalEvent.Completed : JournalEvent.Started,
                completed ? "Done" : null,
                null));
        }

        return entries;
    }

    public static WorkflowCommit NewCommit(WorkflowState state, int journalEntries = 0) =>
        new(state, 0, Journal(journalEntries));

    public static Stimulus Stimulus(string hash, string? correlationId = null, DateTimeOffset? createdAt = null, TimeSpan? lifetime = null, object? input = null)
    {
        var created = createdAt ?? Now();
        return new Stimulus
        {
            Id = Id("st"),
            Hash = hash,
            CorrelationId = correlationId,
            Input = input,
            CreatedAt = created,
            ExpiresAt = created + (lifetime ?? TimeSpan.FromHours(1)),
        };
    }

    /// <summary>Plain JSON values compared by their serialized form.</summary>
    public static string Json(object? value) => WorkflowStateJson.SerializeValue(value);
}
