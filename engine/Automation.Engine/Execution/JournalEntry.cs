namespace Automation.Engine.Execution;

/// <summary>One line of an instance's execution journal (what Studio's instance viewer shows).</summary>
/// <param name="Sequence">Position in the instance's journal, from 1.</param>
/// <param name="Timestamp">When.</param>
/// <param name="ActivityId">The activity.</param>
/// <param name="ActivityNodeId">Its node id.</param>
/// <param name="ActivityType">Its type name.</param>
/// <param name="Event">What happened.</param>
/// <param name="Outcomes">The outcomes it completed with, comma-separated, when <see cref="Event"/> is <c>Completed</c>.</param>
/// <param name="Message">The incident message for <c>Faulted</c>.</param>
public sealed record JournalEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    JournalEvent Event,
    string? Outcomes = null,
    string? Message = null)
{
    /// <summary>A one-line rendering: <c>timestamp activityId (type) Event [outcomes] message</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"{Timestamp:O} {ActivityId} ({ActivityType}) {Event}{(Outcomes is null ? "" : " [" + Outcomes + "]")}{(Message is null ? "" : ": " + Message)}";
}

/// <summary>Journal event kinds.</summary>
public enum JournalEvent
{
    /// <summary>The activity began executing.</summary>
    Started,
    /// <summary>The activity completed.</summary>
    Completed,
    /// <summary>The activity created a bookmark and waits.</summary>
    Suspended,
    /// <summary>The activity was resumed from its bookmark.</summary>
    Resumed,
    /// <summary>The activity faulted.</summary>
    Faulted,
}
