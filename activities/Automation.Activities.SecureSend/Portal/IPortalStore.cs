namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// The portal's own table, on SQLite (embedded) or PostgreSQL. The store only moves rows: encryption, hashing and the
/// rules (who may see what, when) live in <see cref="PortalMailbox"/> and <see cref="PortalPickup"/>. One contract test
/// suite runs against both implementations. The schema is created on first use.
/// </summary>
internal interface IPortalStore
{
    /// <summary>Inserts messages in one statement, each unless one with its id exists (nothing changes for those).</summary>
    /// <returns>For each record in order, <c>true</c> when it was inserted (an id given twice: its first occurrence).</returns>
    Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<PortalRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The message, or <c>null</c>.</summary>
    Task<PortalRecord?> FindAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a wrong answer atomically. A lockout that has ended starts a fresh count; reaching
    /// <paramref name="maxAttempts"/> locks until <paramref name="lockUntil"/> and forgets any pending code.
    /// </summary>
    Task<PortalFailure> RecordFailureAsync(string messageId, DateTimeOffset now, int maxAttempts, DateTimeOffset lockUntil, CancellationToken cancellationToken = default);

    /// <summary>Stores a new one-time code hash (replacing any earlier one).</summary>
    Task SetCodeAsync(string messageId, string codeHash, DateTimeOffset codeExpiresAt, CancellationToken cancellationToken = default);

    /// <summary>Uses up the code whose hash is <paramref name="codeHash"/> and records the first read.</summary>
    /// <returns><c>false</c> when that code is no longer stored (used concurrently, or replaced).</returns>
    Task<bool> ConsumeCodeAsync(string messageId, string codeHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks the message retracted.</summary>
    /// <returns><c>false</c> when it does not exist or was already retracted.</returns>
    Task<bool> RetractAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Replaces the encrypted fields and key id, if the row is still under <paramref name="expectedKeyId"/>.</summary>
    /// <returns><c>false</c> when another process rewrapped it first.</returns>
    Task<bool> ReplaceCiphertextAsync(PortalRecord rewrapped, string expectedKeyId, CancellationToken cancellationToken = default);

    /// <summary>Messages encrypted under a key other than <paramref name="activeKeyId"/>, in message id order after
    /// <paramref name="afterMessageId"/> (empty string: from the start).</summary>
    Task<IReadOnlyList<PortalRecord>> FindNotUnderKeyAsync(string activeKeyId, string afterMessageId, int take, CancellationToken cancellationToken = default);
}
