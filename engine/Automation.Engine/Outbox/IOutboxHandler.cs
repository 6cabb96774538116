namespace Automation.Engine.Outbox;

/// <summary>Delivers the outbox items of one topic. Register implementations in DI; the relay finds them by topic.</summary>
public interface IOutboxHandler
{
    /// <summary>The topic this handler delivers.</summary>
    string Topic { get; }

    /// <summary>Attempts one delivery. Must be idempotent by <see cref="OutboxItem.Id"/> as far as the far side allows
    /// (for email: the same Message-ID every attempt), because a crash after the effect but before the relay records it
    /// repeats the attempt.</summary>
    /// <param name="items">The claimed items, all of this topic; deliver them in any order.</param>
    /// <param name="cancellationToken">Cancelled at shutdown.</param>
    /// <returns>One result per item, in the same order.</returns>
    Task<IReadOnlyList<OutboxResult>> HandleAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken);
}
