namespace Automation.Engine.Audit;

/// <summary>Convenience for single entries.</summary>
public static class AuditLogExtensions
{
    /// <summary>Appends one entry.</summary>
    /// <param name="log">The log.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The stored record.</returns>
    public static async Task<AuditRecord> AppendAsync(this IAuditLog log, AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var records = await log.AppendAsync([entry], cancellationToken).ConfigureAwait(false);
        return records[0];
    }
}
