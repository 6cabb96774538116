using System.Collections.Concurrent;
using Automation.Engine.Audit;

namespace Automation.Activities.SecureSend.Tests.Support;

internal sealed class FakeAuditLog : IAuditLog
{
    private readonly ConcurrentQueue<AuditEntry> entries = new();
    private long sequence;

    public IReadOnlyList<AuditEntry> Entries => [.. entries];

    public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken = default)
    {
        var records = new List<AuditRecord>();
        foreach (var entry in batch)
        {
            entries.Enqueue(entry);
            records.Add(new AuditRecord(Interlocked.Increment(ref sequence), DateTimeOffset.UtcNow, entry, "", ""));
        }

        return Task.FromResult<IReadOnlyList<AuditRecord>>(records);
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
