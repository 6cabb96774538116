using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Automation.Engine.Audit;

/// <summary>
/// The one definition of the audit hash chain: the canonical form a record's hash covers, and the check that walks a
/// log and finds the first record that was altered, removed or reordered. Every store and tool uses this class, so the
/// chain is defined in one place.
/// </summary>
/// <remarks>
/// Canonical form, version 1 (the bytes a record's hash covers): the ASCII tag <c>automation.audit.v1</c>, then
/// these fields in this fixed order: sequence (8-byte big-endian integer), time, action, actor, result, instanceId,
/// messageId, patientHash, policy, method, tlsProtocol, tlsCipher, the number of details (4-byte big-endian integer)
/// followed by each detail's key and value with keys sorted ordinally, and last previousHash. Every text is its UTF-8
/// bytes preceded by their length as a 4-byte big-endian integer; an absent text is the length -1 with no bytes.
/// Time is UTC ISO-8601 with exactly six fractional digits (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>). The hash is lower-case
/// hex SHA-256 of those bytes. Length prefixes make the form unambiguous and independent of any JSON library.
/// </remarks>
public static class AuditChain
{
    /// <summary>The previous hash of the first record: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>The <c>operation</c> detail of a purge's own <see cref="AuditActions.ConfigurationChange"/> record.</summary>
    public const string PurgeOperation = "audit.purge";

    /// <summary>The detail of a purge record holding <see cref="PurgedRangesDigest"/> of the ranges it removed.</summary>
    public const string PurgedRangesDetail = "rangesSha256";

    private static readonly byte[] Tag = "automation.audit.v1"u8.ToArray();

    /// <summary>Truncates an instant to what the chain and the stores keep: UTC, whole microseconds.</summary>
    /// <param name="time">The instant.</param>
    /// <returns>The truncated UTC instant.</returns>
    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The canonical bytes a record's hash covers (see the remarks on <see cref="AuditChain"/>).</summary>
    /// <param name="previousHash">The previous record's hash.</param>
    /// <param name="sequence">The record's sequence number.</param>
    /// <param name="time">The record's time (normalized with <see cref="Normalize"/>).</param>
    /// <param name="entry">What was recorded.</param>
    /// <returns>The bytes.</returns>
    public static byte[] CanonicalForm(string previousHash, long sequence, DateTimeOffset time, AuditEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteCanonicalForm(buffer, previousHash, sequence, time, entry);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Computes a record's hash from the previous hash and its own fields.</summary>
    /// <param name="previousHash">The previous record's hash (<see cref="GenesisHash"/> for the first).</param>
    /// <param name="sequence">The record's sequence number.</param>
    /// <param name="time">The record's time.</param>
    /// <param name="entry">What was recorded.</param>
    /// <returns>Lower-case hex SHA-256.</returns>
    public static string ComputeHash(string previousHash, long sequence, DateTimeOffset time, AuditEntry entry)
    {
        // Every audited message is hashed on the append path: the canonical bytes go into a buffer this thread reuses.
        var buffer = canonicalBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        WriteCanonicalForm(buffer, previousHash, sequence, Normalize(time), entry);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        if (buffer.Capacity > MaxKeptBuffer)
        {
            canonicalBuffer = null; // one record with large details must not pin its buffer to the thread
        }

        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Recomputes a stored record's hash from <paramref name="previousHash"/> and the record's own fields.</summary>
    /// <param name="previousHash">The hash the record should follow.</param>
    /// <param name="record">The stored record.</param>
    /// <returns>Lower-case hex SHA-256.</returns>
    public static string ComputeHash(string previousHash, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ComputeHash(previousHash, record.Sequence, record.Time, record.Entry);
    }

    private const int MaxKeptBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? canonicalBuffer;

    private static void WriteCanonicalForm(ArrayBufferWriter<byte> buffer, string previousHash, long sequence, DateTimeOffset time, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(entry);
        buffer.Write(Tag);
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), sequence);
        buffer.Advance(8);
        WriteText(buffer, FormatTime(time));
        WriteText(buffer, entry.Action);
        WriteText(buffer, entry.Actor);
        WriteText(buffer, entry.Result);
        WriteText(buffer, entry.InstanceId);
        WriteText(buffer, entry.MessageId);
        WriteText(buffer, entry.PatientHash);
        WriteText(buffer, entry.Policy);
        WriteText(buffer, entry.Method);
        WriteText(buffer, entry.TlsProtocol);
        WriteText(buffer, entry.TlsCipher);
        var details = entry.Details is null ? [] : entry.Details.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToArray();
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), details.Length);
        buffer.Advance(4);
        foreach (var (key, value) in details)
        {
            WriteText(buffer, key);
            WriteText(buffer, value);
        }

        WriteText(buffer, previousHash);
    }

    /// <summary>Builds the next records of a chain (used by the stores inside their append transaction).</summary>
    /// <param name="head">The last record so far (sequence 0 and <see cref="GenesisHash"/> for an empty log).</param>
    /// <param name="time">The time stamped on every new record.</param>
    /// <param name="entries">The entries, in order.</param>
    /// <returns>The records, chained after <paramref name="head"/>.</returns>
    public static IReadOnlyList<AuditRecord> Extend(AuditCheckpoint head, DateTimeOffset time, IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(entries);
        var normalized = Normalize(time);
        var records = new AuditRecord[entries.Count];
        var previous = head.Hash;
        for (var i = 0; i < entries.Count; i++)
        {
            var sequence = head.Sequence + i + 1;
            var hash = ComputeHash(previous, sequence, normalized, entries[i]);
            records[i] = new AuditRecord(sequence, normalized, entries[i], previous, hash);
            previous = hash;
        }

        return records;
    }

    /// <summary>
    /// Walks a log in sequence order and reports the first record that does not belong: a field changed (its hash no
    /// longer matches), a record removed (a sequence number missing that no purge recorded), or records swapped or
    /// reordered (sequence or previous hash out of place). The records are streamed, never all held in memory.
    /// </summary>
    /// <param name="records">The stored records, ascending by sequence.</param>
    /// <param name="purged">The ranges a retention purge removed legitimately, each with the hash of its last record.</param>
    /// <param name="head">The log's head as the store recorded it, read before the walk (detects records removed from the
    /// end); <c>null</c> to skip. Records after it (appended during the walk) are checked too.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>How many records were checked and the first bad sequence, if any.</returns>
    public static async Task<AuditVerification> VerifyAsync(
        IAsyncEnumerable<AuditRecord> records,
        IReadOnlyList<AuditPurgedRange> purged,
        AuditCheckpoint? head,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(purged);
        var ranges = new Dictionary<long, AuditPurgedRange>();
        foreach (var range in purged)
        {
            ranges.TryAdd(range.FirstSequence, range);
        }

        var expected = 1L;
        var previous = GenesisHash;
        var checkedCount = 0L;
        var purgeDigests = new Dictionary<long, string>();
        var walk = await WalkAsync().ConfigureAwait(false);

        // Every purged range must be vouched for by the purge record it names, when the walk got that far.
        var reached = walk?.FirstBadSequence ?? long.MaxValue;
        foreach (var group in purged.GroupBy(r => r.PurgeSequence))
        {
            var first = group.Min(r => r.FirstSequence);
            if (group.Key >= reached || first >= (walk?.FirstBadSequence ?? long.MaxValue))
            {
                continue;
            }

            if (Unvouched(group.Key, [.. group.OrderBy(r => r.FirstSequence)], purgeDigests) is { } bad && bad < (walk?.FirstBadSequence ?? long.MaxValue))
            {
                walk = AuditVerification.Bad(checkedCount, bad, $"record {bad} is missing (its purge is not vouched for by record {group.Key})");
            }
        }

        return walk ?? AuditVerification.Good(checkedCount);

        async Task<AuditVerification?> WalkAsync()
        {
            await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                SkipPurged(ranges, ref expected, ref previous, record.Sequence);
                if (record.Sequence != expected)
                {
                    return AuditVerification.Bad(checkedCount, Math.Min(expected, record.Sequence),
                        record.Sequence > expected ? $"record {expected} is missing" : $"record {record.Sequence} is out of order");
                }

                if (!string.Equals(record.PreviousHash, previous, StringComparison.Ordinal))
                {
                    return AuditVerification.Bad(checkedCount, record.Sequence, $"record {record.Sequence} does not follow the record before it");
                }

                if (!string.Equals(ComputeHash(previous, record), record.Hash, StringComparison.Ordinal))
                {
                    return AuditVerification.Bad(checkedCount, record.Sequence, $"record {record.Sequence} was altered");
                }

                if (head is not null && record.Sequence == head.Sequence && !string.Equals(record.Hash, head.Hash, StringComparison.Ordinal))
                {
                    return AuditVerification.Bad(checkedCount, record.Sequence, $"record {record.Sequence} does not match the recorded head");
                }

                if (record.Entry.Details is { } details
                    && details.TryGetValue("operation", out var operation) && operation == PurgeOperation
                    && details.TryGetValue(PurgedRangesDetail, out var rangesDigest))
                {
                    purgeDigests[record.Sequence] = rangesDigest;
                }

                checkedCount++;
                previous = record.Hash;
                expected++;
            }

            // Records appended after the head was read are walked like the rest; the head only proves the log once
            // reached at least this far, so records removed from the end are caught.
            if (head is not null && head.Sequence >= expected)
            {
                SkipPurged(ranges, ref expected, ref previous, head.Sequence + 1);
                if (head.Sequence >= expected)
                {
                    return AuditVerification.Bad(checkedCount, expected, $"record {expected} is missing");
                }

                if (!string.Equals(head.Hash, previous, StringComparison.Ordinal))
                {
                    return AuditVerification.Bad(checkedCount, head.Sequence, $"record {head.Sequence} does not match the recorded head");
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The digest a purge record carries for the ranges it removed: lower-case hex SHA-256 over one line per range,
    /// ascending, <c>first-last-lastHash\n</c>. Verification recomputes it from the stored ranges, so a range added
    /// afterwards to excuse a deleted record does not match any purge record.
    /// </summary>
    /// <param name="ranges">The ranges of one purge.</param>
    /// <returns>The digest.</returns>
    public static string PurgedRangesDigest(IEnumerable<AuditPurgedRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var text = new StringBuilder();
        foreach (var range in ranges.OrderBy(r => r.FirstSequence))
        {
            text.Append(CultureInfo.InvariantCulture, $"{range.FirstSequence}-{range.LastSequence}-{range.LastHash}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Formats a time the way the canonical form and the JSON export do.</summary>
    /// <param name="time">The instant.</param>
    /// <returns>For example <c>2026-11-28T01:02:03.123456Z</c>.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        Normalize(time).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteText(ArrayBufferWriter<byte> buffer, string? text)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), -1);
            buffer.Advance(4);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(text);
        var span = buffer.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        Encoding.UTF8.GetBytes(text, span[4..]);
        buffer.Advance(4 + length);
    }

    // The first sequence of a range its purge record does not vouch for, or null when all are vouched for. When one
    // range was added to a genuine purge's set, leaving each out in turn finds it; otherwise the set's first is reported.
    private static long? Unvouched(long purgeSequence, List<AuditPurgedRange> group, Dictionary<long, string> digests)
    {
        if (group.FirstOrDefault(r => r.LastSequence >= purgeSequence) is { } afterVoucher)
        {
            return afterVoucher.FirstSequence;
        }

        if (!digests.TryGetValue(purgeSequence, out var digest))
        {
            return group[0].FirstSequence;
        }

        if (string.Equals(digest, PurgedRangesDigest(group), StringComparison.Ordinal))
        {
            return null;
        }

        for (var i = 0; i < group.Count && group.Count > 1; i++)
        {
            var index = i;
            if (string.Equals(digest, PurgedRangesDigest(group.Where((_, j) => j != index)), StringComparison.Ordinal))
            {
                return group[i].FirstSequence;
            }
        }

        return group[0].FirstSequence;
    }

    // A gap the purge recorded is legitimate: continue after it from the hash of its last record.
    private static void SkipPurged(Dictionary<long, AuditPurgedRange> ranges, ref long expected, ref string previous, long next)
    {
        while (expected < next && ranges.TryGetValue(expected, out var range) && range.LastSequence < next)
        {
            expected = range.LastSequence + 1;
            previous = range.LastHash;
        }
    }
}
