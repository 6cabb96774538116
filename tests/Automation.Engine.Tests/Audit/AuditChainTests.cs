using Automation.Engine.Audit;

namespace Automation.Engine.Tests.Audit;

public sealed class AuditChainTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 1, 2, 3, TimeSpan.Zero);

    private static readonly AuditEntry Base = new()
    {
        Action = AuditActions.MessageDelivered,
        Actor = "workflow:reminder",
        Result = "sent",
        InstanceId = "wf-1",
        MessageId = "msg-1",
        PatientHash = "0123456789abcdef0123456789abcdef",
        Policy = "phi-default",
        Method = "smime",
        TlsProtocol = "Tls13",
        TlsCipher = "TLS_AES_256_GCM_SHA384",
        Details = new Dictionary<string, string> { ["domain"] = "hospital.test", ["reason"] = "certificate" },
    };

    public static TheoryData<string> Mutations => new() { "action", "actor", "result", "instance", "message", "patient", "policy", "method", "protocol", "cipher", "details", "sequence", "time", "previous" };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void ComputeHash_AnyFieldChanged_ChangesTheHash(string field)
    {
        var original = AuditChain.ComputeHash(AuditChain.GenesisHash, 7, At, Base);
        var (previous, sequence, time, entry) = field switch
        {
            "sequence" => (AuditChain.GenesisHash, 8L, At, Base),
            "time" => (AuditChain.GenesisHash, 7L, At.AddTicks(10), Base),
            "previous" => (new string('1', 64), 7L, At, Base),
            _ => (AuditChain.GenesisHash, 7L, At, Mutate(Base, field)),
        };

        Assert.NotEqual(original, AuditChain.ComputeHash(previous, sequence, time, entry));
    }

    // The hash is written from a buffer each thread reuses; it must stay the documented form record after record,
    // whatever came before (a record larger than the kept buffer, absent texts, non-ASCII text).
    [Fact]
    public void ComputeHash_IsSha256OfTheDocumentedCanonicalForm_RecordAfterRecord()
    {
        var entries = new[]
        {
            Base,
            new AuditEntry { Action = "consent.check", Actor = "système", Result = "denied" },
            Base with { Details = new Dictionary<string, string> { ["big"] = new string('x', 100_000), ["a"] = "ü" } },
            Base,
        };

        foreach (var (entry, sequence) in entries.Select((e, i) => (e, (long)i + 1)))
        {
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(DocumentedForm(AuditChain.GenesisHash, sequence, At, entry)));
            Assert.Equal(expected, AuditChain.ComputeHash(AuditChain.GenesisHash, sequence, At, entry));
            Assert.Equal(DocumentedForm(AuditChain.GenesisHash, sequence, At, entry), AuditChain.CanonicalForm(AuditChain.GenesisHash, sequence, At, entry));
        }
    }

    // The remarks on AuditChain, written out independently of it.
    private static byte[] DocumentedForm(string previous, long sequence, DateTimeOffset time, AuditEntry entry)
    {
        var bytes = new List<byte>("automation.audit.v1"u8.ToArray());
        void Int(long value, int size) => bytes.AddRange(Enumerable.Range(0, size).Select(i => (byte)(value >> (8 * (size - 1 - i)))));
        void Text(string? text)
        {
            if (text is null)
            {
                Int(-1, 4);
                return;
            }

            var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            Int(utf8.Length, 4);
            bytes.AddRange(utf8);
        }

        Int(sequence, 8);
        Text(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var text in new[] { entry.Action, entry.Actor, entry.Result, entry.InstanceId, entry.MessageId, entry.PatientHash, entry.Policy, entry.Method, entry.TlsProtocol, entry.TlsCipher })
        {
            Text(text);
        }

        var details = (entry.Details ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        Int(details.Count, 4);
        foreach (var (key, value) in details)
        {
            Text(key);
            Text(value);
        }

        Text(previous);
        return [.. bytes];
    }

    [Fact]
    public void ComputeHash_DetailsInAnotherOrderOrTimeInAnotherOffset_SameHash()
    {
        var reordered = Base with { Details = new Dictionary<string, string> { ["reason"] = "certificate", ["domain"] = "hospital.test" } };

        Assert.Equal(AuditChain.ComputeHash(AuditChain.GenesisHash, 1, At, Base), AuditChain.ComputeHash(AuditChain.GenesisHash, 1, At.ToOffset(TimeSpan.FromHours(-5)), reordered));
    }

    [Fact]
    public void ComputeHash_TextMovedBetweenAdjacentFields_ChangesTheHash()
    {
        // Length prefixes keep field boundaries: "ab"+"c" must not hash like "a"+"bc".
        var left = Base with { Actor = "ab", Result = "c" };
        var right = Base with { Actor = "a", Result = "bc" };

        Assert.NotEqual(AuditChain.ComputeHash(AuditChain.GenesisHash, 1, At, left), AuditChain.ComputeHash(AuditChain.GenesisHash, 1, At, right));
    }

    [Fact]
    public void ComputeHash_AbsentAndEmptyText_Differ()
    {
        Assert.NotEqual(AuditChain.ComputeHash(AuditChain.GenesisHash, 1, At, Base with { Policy = null }), AuditChain.ComputeHash(AuditChain.GenesisHash, 1, At, Base with { Policy = "" }));
    }

    [Fact]
    public void FormatTime_SubMicrosecondTicks_TruncatedToSixDigitsUtc()
    {
        var time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);

        Assert.Equal("2026-01-02T01:04:05.123456Z", AuditChain.FormatTime(time));
        Assert.Equal(AuditChain.ComputeHash(AuditChain.GenesisHash, 1, time, Base), AuditChain.ComputeHash(AuditChain.GenesisHash, 1, AuditChain.Normalize(time), Base));
    }

    [Fact]
    public async Task VerifyAsync_IntactChain_IsValid()
    {
        var records = Chain(5);

        var result = await AuditChain.VerifyAsync(Stream(records), [], new AuditCheckpoint(5, records[^1].Hash));

        Assert.True(result.IsValid);
        Assert.Equal(5, result.RecordsChecked);
    }

    [Fact]
    public async Task VerifyAsync_GapRecordedAsPurgedAndVouchedFor_IsValidButUnrecordedGapIsNot()
    {
        var (records, range) = PurgedChain();
        var kept = records.Where(r => r.Sequence is 1 or >= 4).ToList();
        var head = new AuditCheckpoint(6, records[^1].Hash);

        var purged = await AuditChain.VerifyAsync(Stream(kept), [range], head);
        var missing = await AuditChain.VerifyAsync(Stream(kept), [], head);

        Assert.True(purged.IsValid, purged.Reason);
        Assert.Equal(2, missing.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_PurgedRangeAddedToExcuseADeletion_ReportsTheDeletedRecord()
    {
        var (records, range) = PurgedChain();
        var kept = records.Where(r => r.Sequence is 1 or 4 or 6).ToList();
        var forged = new AuditPurgedRange(5, 5, records[4].Hash, 6);

        var sameVoucher = await AuditChain.VerifyAsync(Stream(kept), [range, forged], new AuditCheckpoint(6, records[^1].Hash));
        var noVoucher = await AuditChain.VerifyAsync(Stream(kept), [range, forged with { PurgeSequence = 4 }], new AuditCheckpoint(6, records[^1].Hash));

        Assert.Equal(5, sameVoucher.FirstBadSequence);
        Assert.Equal(5, noVoucher.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_RecordsAppendedAfterHeadWasRead_AreCheckedAndMissingTailIsReported()
    {
        var records = Chain(6);

        var later = await AuditChain.VerifyAsync(Stream(records), [], new AuditCheckpoint(4, records[3].Hash));
        var truncated = await AuditChain.VerifyAsync(Stream(records.Take(4)), [], new AuditCheckpoint(6, records[^1].Hash));

        Assert.Equal((true, 6L), (later.IsValid, later.RecordsChecked));
        Assert.Equal(5, truncated.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_HeadResetToGenesis_StillWalksAndReportsAnAlteredRecord()
    {
        var records = Chain(5).ToList();
        records[3] = records[3] with { Entry = records[3].Entry with { Result = "forged" } };

        var result = await AuditChain.VerifyAsync(Stream(records), [], AuditCheckpoint.Genesis);

        Assert.Equal(4, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_HeadHashDiffersFromItsRecord_ReportsThatRecord()
    {
        var records = Chain(5);

        var result = await AuditChain.VerifyAsync(Stream(records), [], new AuditCheckpoint(5, new string('e', 64)));

        Assert.Equal(5, result.FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_RecordReplacedByForgedChainTail_ReportsWhereTheLinkBreaks()
    {
        var records = Chain(5).ToList();
        var forged = AuditChain.Extend(new AuditCheckpoint(2, new string('f', 64)), At, [Base, Base]);
        records[2] = forged[0];

        Assert.Equal(3, (await AuditChain.VerifyAsync(Stream(records), [], null)).FirstBadSequence);
    }

    private static AuditEntry Mutate(AuditEntry entry, string field) => field switch
    {
        "action" => entry with { Action = "x" },
        "actor" => entry with { Actor = "x" },
        "result" => entry with { Result = "x" },
        "instance" => entry with { InstanceId = "x" },
        "message" => entry with { MessageId = "x" },
        "patient" => entry with { PatientHash = "x" },
        "policy" => entry with { Policy = "x" },
        "method" => entry with { Method = "x" },
        "protocol" => entry with { TlsProtocol = "x" },
        "cipher" => entry with { TlsCipher = "x" },
        "details" => entry with { Details = new Dictionary<string, string> { ["domain"] = "hospital.test", ["reason"] = "other" } },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    // Records 1-5, then record 6: the purge record vouching for the removal of records 2-3.
    private static (List<AuditRecord> Records, AuditPurgedRange Range) PurgedChain()
    {
        var records = Chain(5).ToList();
        var range = new AuditPurgedRange(2, 3, records[2].Hash, 6);
        var purge = Base with
        {
            Action = AuditActions.ConfigurationChange,
            Details = new Dictionary<string, string> { ["operation"] = AuditChain.PurgeOperation, [AuditChain.PurgedRangesDetail] = AuditChain.PurgedRangesDigest([range]) },
        };
        records.AddRange(AuditChain.Extend(new AuditCheckpoint(5, records[^1].Hash), At, [purge]));
        return (records, range);
    }

    private static IReadOnlyList<AuditRecord> Chain(int count) =>
        AuditChain.Extend(AuditCheckpoint.Genesis, At, [.. Enumerable.Range(0, count).Select(i => Base with { Actor = "user-" + i })]);

    private static async IAsyncEnumerable<AuditRecord> Stream(IEnumerable<AuditRecord> records)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
