using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Persistence.Shared;

/// <summary>Conversions both stores share: enum names, definition flags, unix microseconds.</summary>
internal static class StoreValues
{
    private static readonly string[] StatusNames = Enum.GetNames<WorkflowStatus>();
    private static readonly string[] EventNames = Enum.GetNames<JournalEvent>();

    public static string Name(WorkflowStatus status) => (uint)status < (uint)StatusNames.Length ? StatusNames[(int)status] : status.ToString();

    public static string Name(JournalEvent journalEvent) => (uint)journalEvent < (uint)EventNames.Length ? EventNames[(int)journalEvent] : journalEvent.ToString();

    public static WorkflowStatus ParseStatus(string text) => Enum.Parse<WorkflowStatus>(text, ignoreCase: true);

    public static JournalEvent ParseEvent(string text) => Enum.Parse<JournalEvent>(text, ignoreCase: true);

    /// <summary>Parses stored definition JSON and overlays the flags held in the columns, which are the truth.</summary>
    public static WorkflowDefinition ParseDefinition(string json, bool isLatest, bool isPublished)
    {
        var definition = WorkflowDefinitionJson.Parse(json);
        definition.IsLatest = isLatest;
        definition.IsPublished = isPublished;
        return definition;
    }

    /// <summary>Rewrites the flags inside stored definition JSON.</summary>
    public static string WithFlags(string json, bool isLatest, bool isPublished) =>
        WorkflowDefinitionJson.Serialize(ParseDefinition(json, isLatest, isPublished));

    /// <summary>A UTC instant as microseconds since the unix epoch (sub-microsecond ticks are dropped).</summary>
    public static long ToUnixMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromUnixMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);

    public static DateTimeOffset Utc(DateTimeOffset value) => value.Offset == TimeSpan.Zero ? value : value.ToUniversalTime();

    /// <summary>The state document as stored: carrying the revision it is stored at (the column stays the truth).</summary>
    public static byte[] SerializeAtRevision(WorkflowState state, long revision)
    {
        var previous = state.Revision;
        state.Revision = revision;
        try
        {
            return WorkflowStateJson.Serialize(state);
        }
        finally
        {
            state.Revision = previous;
        }
    }
}
