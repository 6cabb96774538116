namespace Automation.Engine.Outbox;

/// <summary>
/// The stored side of the outbox. Messages arrive with workflow commits (<see cref="Persistence.WorkflowCommit.Outbox"/>)
/// or through <see cref="EnqueueAsync"/>; the relay claims them with a lease, so a relay that dies mid-delivery
/// leaves them to be claimed again when the lease runs out.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Stores messages outside a workflow step. Ids already stored are ignored.</summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="max"/> pending items that are due and not leased (or whose lease ran out),
    /// oldest first, leasing them until <paramref name="leaseUntil"/> and counting the attempt.</summary>
    /// <param name="max">The most to claim.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="leaseUntil">When the claim lapses if not completed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The claimed items.</returns>
    Task<IReadOnlyList<OutboxItem>> ClaimAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Records the results of claimed items in one transaction: done, retry at a time, or dead.</summary>
    /// <param name="results">Item id and result.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task CompleteAsync(IReadOnlyList<(string Id, OutboxResult Result)> results, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Reads an item's state (for status pages and tests).</summary>
    /// <param name="id">The idempotency key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The state, or <c>null</c>.</returns>
    Task<OutboxEntryState?> GetAsync(string id, CancellationToken cancellationToken = default);
}
