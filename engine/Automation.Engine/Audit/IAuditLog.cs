namespace Automation.Engine.Audit;

/// <summary>
/// The append-only, hash-chained audit log. Appends are durable when the returned task completes; concurrent callers
/// are grouped into one transaction, so auditing every message costs little. Implemented on SQLite and PostgreSQL.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends entries, in order, as one durable unit.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancels the wait (the append may still happen).</param>
    /// <returns>The stored records.</returns>
    Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads records in sequence order.</summary>
    /// <param name="afterSequence">Only records after this sequence number.</param>
    /// <param name="take">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default);
}
