using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Automation.Engine.Audit;

namespace Automation.Persistence.Audit;

/// <summary>
/// The append-only, hash-chained audit log on SQLite or PostgreSQL (made by
/// <see cref="WorkflowStoreFactory.CreateAuditLog(string, string, TimeProvider?)"/>; call <see cref="MigrateAsync"/> first). Appends from many callers
/// are grouped: one writer takes everything queued and stores it in one transaction, and each caller's task completes
/// when that transaction is durable. Retention purges keep the chain verifiable; legal holds block purging.
/// </summary>
public abstract class AuditLog : IAuditLog, IAsyncDisposable
{
    /// <summary>The default retention: six years (HIPAA documentation retention).</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays((6 * 365) + 2);

    private const int MaxEntriesPerTransaction = 4096;
    private const int MaxTextLength = 1024;
    private const int PageSize = 1000;

    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider timeProvider;
    private readonly Task writer;
    private int disposed;

    private protected AuditLog(TimeProvider? timeProvider)
    {
        this.timeProvider = timeProvider ?? TimeProvider.System;
        writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Creates the audit tables when missing (idempotent).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An entry lacks its action, actor or result, or a text is longer than 1,024 characters.</exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            Validate(entries[i], i);
        }

        if (entries.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([]);
        }

        var pending = new PendingAppend([.. entries]);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(AuditLog));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public abstract Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default);

    /// <summary>Reads the message records of the messages <paramref name="actor"/> queued, a page of messages at a time in
    /// message id order: for each message, the first of its <see cref="AuditActions.MessageQueued"/>,
    /// <see cref="AuditActions.MessageDelivered"/> and <see cref="AuditActions.MessageBounced"/> records, in sequence
    /// order. A message can be audited twice under one id (a step run again after its commit was refused, a delivery
    /// repeated by an at-least-once relay), so later repeats are left out. The store finds the messages by index, so the
    /// read costs what the actor sent, not the size of the log.</summary>
    /// <param name="actor">The actor of the queued records, e.g. <see cref="AuditActors.Workflow"/> of a journey.</param>
    /// <param name="afterMessageId">Only messages whose id sorts after this one in the store (the last id of the previous
    /// page); <c>null</c> from the start.</param>
    /// <param name="take">At most this many messages (each has one to three records).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, by message id, then sequence.</returns>
    public Task<IReadOnlyList<AuditRecord>> ReadMessagesQueuedByAsync(string actor, string? afterMessageId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        return ReadMessagesQueuedByCoreAsync(actor, afterMessageId ?? "", take, cancellationToken);
    }

    /// <summary>Reads the message records of <paramref name="actor"/>'s messages (see <see cref="ReadMessagesQueuedByAsync"/>).</summary>
    /// <param name="actor">The actor of the queued records.</param>
    /// <param name="afterMessageId">Only message ids after this one; empty from the start.</param>
    /// <param name="take">At most this many messages.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    protected abstract Task<IReadOnlyList<AuditRecord>> ReadMessagesQueuedByCoreAsync(string actor, string afterMessageId, int take, CancellationToken cancellationToken);

    /// <summary>Reads records whose time is in [<paramref name="from"/>, <paramref name="to"/>), in sequence order.</summary>
    /// <param name="from">The earliest time (inclusive).</param>
    /// <param name="to">The latest time (exclusive).</param>
    /// <param name="afterSequence">Only records after this sequence number (for paging).</param>
    /// <param name="take">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    public abstract Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int take, CancellationToken cancellationToken = default);

    /// <summary>Streams every record after <paramref name="afterSequence"/> in sequence order, a page at a time.</summary>
    /// <param name="afterSequence">Start after this sequence number.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var page = await ReadAsync(afterSequence, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                yield return record;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            afterSequence = page[^1].Sequence;
        }
    }

    /// <summary>Streams the records whose time is in [<paramref name="from"/>, <paramref name="to"/>) (the auditor's export).</summary>
    /// <param name="from">The earliest time (inclusive).</param>
    /// <param name="to">The latest time (exclusive).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records, in sequence order.</returns>
    public async IAsyncEnumerable<AuditRecord> ExportAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = 0L;
        while (true)
        {
            var page = await ReadRangeAsync(from, to, after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                yield return record;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Sequence;
        }
    }

    /// <summary>Checks the whole chain (from the start, across purged ranges, up to the recorded head).</summary>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>How many records were checked and the first bad sequence, if any.</returns>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var head = await GetHeadAsync(cancellationToken).ConfigureAwait(false);
        var purged = await ListPurgedAsync(cancellationToken).ConfigureAwait(false);
        return await AuditChain.VerifyAsync(ReadAllAsync(0, cancellationToken), purged, head, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last record appended (sequence 0 when the log is empty), purged or not.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The head.</returns>
    public abstract Task<AuditCheckpoint> GetHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>The ranges retention purges removed, in sequence order.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ranges.</returns>
    public abstract Task<IReadOnlyList<AuditPurgedRange>> ListPurgedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes records older than <paramref name="before"/> that no legal hold covers, records the removed ranges (so
    /// <see cref="VerifyAsync"/> still holds), and audits the purge as a <c>config.change</c> in the same transaction;
    /// that record carries <see cref="AuditChain.PurgedRangesDigest"/> of the ranges, and records that vouch for
    /// ranges are never purged themselves.
    /// </summary>
    /// <param name="before">The cutoff: records with an earlier time go.</param>
    /// <param name="actor">Who purges (a user id or <c>system</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many records were removed.</returns>
    public Task<long> PurgeAsync(DateTimeOffset before, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return PurgeCoreAsync(AuditChain.Normalize(before), timeProvider.GetUtcNow(), actor, cancellationToken);
    }

    /// <summary>Places a legal hold and audits it (<c>config.change</c>).</summary>
    /// <param name="hold">The hold.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>false</c> when a hold with that id exists (nothing changes).</returns>
    /// <exception cref="ArgumentException">The hold has no id, reason or creator, names no criterion, or its range is empty.</exception>
    public async Task<bool> AddLegalHoldAsync(LegalHold hold, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ValidateHold(hold);
        var added = await AddHoldCoreAsync(hold with { From = Normalize(hold.From), To = Normalize(hold.To), CreatedAt = AuditChain.Normalize(hold.CreatedAt) }, cancellationToken).ConfigureAwait(false);
        var details = new Dictionary<string, string> { ["operation"] = "legal-hold.add", ["holdId"] = hold.Id };
        if (hold.From is { } from)
        {
            details["from"] = AuditChain.FormatTime(from);
        }

        if (hold.To is { } to)
        {
            details["to"] = AuditChain.FormatTime(to);
        }

        await AuditHoldAsync(hold.CreatedBy, added ? "added" : "exists", hold.InstanceId, hold.PatientHash, details, cancellationToken).ConfigureAwait(false);
        return added;
    }

    /// <summary>Lifts a legal hold and audits it (<c>config.change</c>).</summary>
    /// <param name="id">The hold's id.</param>
    /// <param name="actor">Who lifts it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>false</c> when there was no such hold.</returns>
    public async Task<bool> RemoveLegalHoldAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var removed = await RemoveHoldCoreAsync(id, cancellationToken).ConfigureAwait(false);
        await AuditHoldAsync(actor, removed ? "removed" : "not-found", null, null, new Dictionary<string, string> { ["operation"] = "legal-hold.remove", ["holdId"] = id }, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>Lists the legal holds; the listing itself is audited (<c>config.change</c>), since holds are evidence.</summary>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The holds, by id.</returns>
    public async Task<IReadOnlyList<LegalHold>> ListLegalHoldsAsync(string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var holds = await ListHoldsCoreAsync(cancellationToken).ConfigureAwait(false);
        await AuditHoldAsync(actor, "listed", null, null, new Dictionary<string, string> { ["operation"] = "legal-hold.list", ["count"] = holds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
        return holds;
    }

    /// <summary>Stops accepting appends, stores what is queued, and closes the connection pool. Safe to call twice.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        queue.Writer.TryComplete();
        await writer.ConfigureAwait(false);
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stores entries after the current head in one transaction, serialized against every other writer.</summary>
    private protected abstract Task<IReadOnlyList<AuditRecord>> WriteBatchAsync(IReadOnlyList<AuditEntry> entries, DateTimeOffset time, CancellationToken cancellationToken);

    /// <summary>Deletes unheld records older than the cutoff, records the removed ranges and appends the purge's own
    /// record (<see cref="PurgeEntry"/>), in one transaction serialized against appends.</summary>
    private protected abstract Task<long> PurgeCoreAsync(DateTimeOffset before, DateTimeOffset now, string actor, CancellationToken cancellationToken);

    private protected abstract Task<bool> AddHoldCoreAsync(LegalHold hold, CancellationToken cancellationToken);

    private protected abstract Task<bool> RemoveHoldCoreAsync(string id, CancellationToken cancellationToken);

    private protected abstract Task<IReadOnlyList<LegalHold>> ListHoldsCoreAsync(CancellationToken cancellationToken);

    private protected abstract ValueTask DisposeCoreAsync();

    /// <summary>The purge's own record: who, the cutoff, how many records, and the digest of the removed ranges.</summary>
    private protected static AuditEntry PurgeEntry(string actor, DateTimeOffset before, IReadOnlyList<AuditPurgedRange> ranges, long removed) => new()
    {
        Action = AuditActions.ConfigurationChange,
        Actor = actor,
        Result = "purged",
        Details = new Dictionary<string, string>
        {
            ["operation"] = AuditChain.PurgeOperation,
            ["before"] = AuditChain.FormatTime(before),
            ["records"] = removed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ranges"] = ranges.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [AuditChain.PurgedRangesDetail] = AuditChain.PurgedRangesDigest(ranges),
        },
    };

    /// <summary>Splits the deleted sequence numbers into runs of consecutive numbers, each one purged range vouched
    /// for by the purge record at <paramref name="purgeSequence"/>.</summary>
    private protected static List<AuditPurgedRange> ToRanges(List<(long Sequence, string Hash)> deleted, long purgeSequence)
    {
        deleted.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var ranges = new List<AuditPurgedRange>();
        for (var i = 0; i < deleted.Count;)
        {
            var j = i;
            while (j + 1 < deleted.Count && deleted[j + 1].Sequence == deleted[j].Sequence + 1)
            {
                j++;
            }

            ranges.Add(new AuditPurgedRange(deleted[i].Sequence, deleted[j].Sequence, deleted[j].Hash, purgeSequence));
            i = j + 1;
        }

        return ranges;
    }

    private static DateTimeOffset? Normalize(DateTimeOffset? time) => time is { } value ? AuditChain.Normalize(value) : null;

    private static void Validate(AuditEntry entry, int index)
    {
        if (entry is null)
        {
            throw new ArgumentException($"Audit entry {index} is null.", "entries");
        }

        RequireText(entry.Action, nameof(AuditEntry.Action), index);
        RequireText(entry.Actor, nameof(AuditEntry.Actor), index);
        RequireText(entry.Result, nameof(AuditEntry.Result), index);
        foreach (var (name, value) in new[]
        {
            (nameof(AuditEntry.InstanceId), entry.InstanceId), (nameof(AuditEntry.MessageId), entry.MessageId),
            (nameof(AuditEntry.PatientHash), entry.PatientHash), (nameof(AuditEntry.Policy), entry.Policy),
            (nameof(AuditEntry.Method), entry.Method), (nameof(AuditEntry.TlsProtocol), entry.TlsProtocol),
            (nameof(AuditEntry.TlsCipher), entry.TlsCipher),
        })
        {
            if (value is { Length: > MaxTextLength })
            {
                throw new ArgumentException($"Audit entry {index}: {name} is longer than {MaxTextLength} characters.", "entries");
            }
        }

        foreach (var (key, value) in entry.Details ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxTextLength || value is null || value.Length > MaxTextLength)
            {
                throw new ArgumentException($"Audit entry {index}: Details keys must be 1-{MaxTextLength} characters and values non-null and at most {MaxTextLength}.", "entries");
            }
        }
    }

    private static void RequireText(string? value, string name, int index)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"Audit entry {index}: {name} is required.", "entries");
        }

        if (value.Length > MaxTextLength)
        {
            throw new ArgumentException($"Audit entry {index}: {name} is longer than {MaxTextLength} characters.", "entries");
        }
    }

    private static void ValidateHold(LegalHold hold)
    {
        if (string.IsNullOrWhiteSpace(hold.Id) || hold.Id.Length > 200)
        {
            throw new ArgumentException("LegalHold.Id is required (at most 200 characters).", nameof(hold));
        }

        if (string.IsNullOrWhiteSpace(hold.Reason))
        {
            throw new ArgumentException("LegalHold.Reason is required.", nameof(hold));
        }

        if (string.IsNullOrWhiteSpace(hold.CreatedBy))
        {
            throw new ArgumentException("LegalHold.CreatedBy is required.", nameof(hold));
        }

        if (hold.From is null && hold.To is null && string.IsNullOrEmpty(hold.InstanceId) && string.IsNullOrEmpty(hold.PatientHash))
        {
            throw new ArgumentException("A legal hold must name a time range (From/To), an InstanceId or a PatientHash.", nameof(hold));
        }

        if (hold.From is { } from && hold.To is { } to && to <= from)
        {
            throw new ArgumentException("LegalHold.To must be after LegalHold.From.", nameof(hold));
        }
    }

    private Task AuditHoldAsync(string actor, string result, string? instanceId, string? patientHash, Dictionary<string, string> details, CancellationToken cancellationToken) =>
        this.AppendAsync(new AuditEntry
        {
            Action = AuditActions.ConfigurationChange,
            Actor = actor,
            Result = result,
            InstanceId = instanceId,
            PatientHash = patientHash,
            Details = details,
        }, cancellationToken);

    // The single writer: takes everything queued (up to a cap) and stores it in one transaction, so N concurrent
    // callers cost one commit instead of N.
    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>();
        var entries = new List<AuditEntry>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // As RequestCoalescer does: callers runnable right now append first, so they share this transaction.
            await Task.Yield();
            batch.Clear();
            entries.Clear();
            while (entries.Count < MaxEntriesPerTransaction && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                entries.AddRange(pending.Entries);
            }

            try
            {
                var records = await WriteBatchAsync(entries, timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                var offset = 0;
                foreach (var pending in batch)
                {
                    var mine = new AuditRecord[pending.Entries.Length];
                    for (var i = 0; i < mine.Length; i++)
                    {
                        mine[i] = records[offset + i];
                    }

                    pending.Completion.TrySetResult(mine);
                    offset += pending.Entries.Length;
                }
            }
            catch (Exception exception)
            {
                // The transaction rolled back: nothing of this batch was stored, and every caller in it learns so.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(exception);
                }
            }
        }
    }

    private sealed class PendingAppend(AuditEntry[] entries)
    {
        public AuditEntry[] Entries { get; } = entries;

        public TaskCompletionSource<IReadOnlyList<AuditRecord>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
