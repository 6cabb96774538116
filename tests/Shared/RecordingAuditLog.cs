using Automation.Engine.Audit;

namespace Automation.Tests.Shared;

/// <summary>An in-memory audit log that keeps what was appended (no hash chain: the real log is tested elsewhere).</summary>
public sealed class RecordingAuditLog : IAuditLog
{
    private readonly List<AuditRecord> records = [];

    public IReadOnlyList<AuditEntry> Entries
    {
        get
        {
            lock (records)
            {
                return records.Select(r => r.Entry).ToList();
            }
        }
    }

    public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        lock (records)
        {
            var added = entries.Select(e => new AuditRecord(records.Count + 1, DateTimeOffset.UnixEpoch, e, "", "")).ToList();
            records.AddRange(added);
            return Task.FromResult<IReadOnlyList<AuditRecord>>(added);
        }
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default)
    {
        lock (records)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>(records.Where(r => r.Sequence > afterSequence).Take(take).ToList());
        }
    }
}
