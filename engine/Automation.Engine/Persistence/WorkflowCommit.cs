using Automation.Engine.Execution;

namespace Automation.Engine.Persistence;

/// <summary>
/// One transition of an instance, committed atomically: the instance document, its complete bookmark set (timers are
/// bookmarks with a due time) and the new journal entries.
/// </summary>
/// <param name="State">The instance state after the transition; its <see cref="WorkflowState.Bookmarks"/> replace the stored ones.</param>
/// <param name="ExpectedRevision">The revision read before the transition (0 for a new instance); the commit fails
/// with <see cref="WorkflowConcurrencyException"/> when the stored revision differs.</param>
/// <param name="Journal">Journal entries to append.</param>
public sealed record WorkflowCommit(WorkflowState State, long ExpectedRevision, IReadOnlyList<JournalEntry> Journal)
{
    /// <summary>Side effects the transition asked for, stored in the same transaction (ids already stored are ignored).</summary>
    public IReadOnlyList<Outbox.OutboxMessage> Outbox { get; init; } = [];
}
