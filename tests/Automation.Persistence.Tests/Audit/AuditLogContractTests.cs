using Automation.Engine.Audit;
using Automation.Persistence.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Persistence.Tests.Audit;

/// <summary>The audit log contract, run against SQLite and PostgreSQL: each test gets an empty database.</summary>
public abstract class AuditLogContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2019, 3, 1, 9, 30, 15, 123, TimeSpan.Zero);

    private readonly List<AuditLog> logs = [];
    private FreshDatabase database = null!;

    protected abstract string Provider { get; }

    private FakeTimeProvider Clock { get; } = new(Start);

    private AuditLog Log { get; set; } = null!;

    public async Task InitializeAsync()
    {
        database = await FreshDatabase.CreateAsync(Provider);
        Log = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var log in logs)
        {
            await log.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task AppendAsync_Entries_StoresGapFreeChainFromOne()
    {
        var stored = await Log.AppendAsync([Entry("a"), Entry("b"), Entry("c", details: new() { ["z"] = "1", ["a"] = "2" })]);

        var read = await Log.ReadAsync(0, 10);

        Assert.Equal([1L, 2L, 3L], read.Select(r => r.Sequence));
        Assert.Equal(AuditChain.GenesisHash, read[0].PreviousHash);
        Assert.Equal(read[0].Hash, read[1].PreviousHash);
        Assert.Equal(read[1].Hash, read[2].PreviousHash);
        Assert.All(read, r => Assert.Equal(AuditChain.ComputeHash(r.PreviousHash, r), r.Hash));
        Assert.Equal(stored.Select(r => r.Hash), read.Select(r => r.Hash));
        Assert.Equal("2", read[2].Entry.Details!["a"]);
        Assert.Equal(AuditChain.Normalize(Start), read[0].Time);
        Assert.True((await Log.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentCallers_EachGetsItsOwnContiguousRecordsAndChainVerifies()
    {
        var callers = Enumerable.Range(0, 200).Select(i => Log.AppendAsync([Entry($"c{i}-0"), Entry($"c{i}-1"), Entry($"c{i}-2")])).ToList();

        var results = await Task.WhenAll(callers);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal([$"c{i}-0", $"c{i}-1", $"c{i}-2"], results[i].Select(r => r.Entry.Actor));
            Assert.Equal(results[i][0].Sequence + 2, results[i][2].Sequence);
        }

        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), results.SelectMany(r => r).Select(r => r.Sequence).Order());
        var verification = await Log.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(600, verification.RecordsChecked);
    }

    [Fact]
    public async Task AppendAsync_TwoLogsOnOneDatabase_KeepOneLinearChain()
    {
        // Two log objects stand in for two server processes sharing the database.
        var other = await OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? Log : other).AppendAsync([Entry($"p{i}")])));

        var verification = await Log.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(100, verification.RecordsChecked);
    }

    [Fact]
    public async Task AppendAsync_InvalidEntry_ThrowsNamingTheFieldAndStoresNothing()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Log.AppendAsync([Entry("ok"), Entry("bad") with { Result = " " }]));

        Assert.Contains("entry 1: Result is required", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await Log.ReadAsync(0, 10));
    }

    [Theory]
    [InlineData("actor = 'mallory'")]
    [InlineData("result = 'granted'")]
    [InlineData("details = '{\"reason\":\"edited\"}'")]
    [InlineData("details = 'not json at all'")]
    [InlineData("patient_hash = 'ffffffffffffffffffffffffffffffff'")]
    [InlineData("time = time + 1000000")]
    public async Task VerifyAsync_FieldAlteredWithRawSql_ReportsThatRecord(string assignment)
    {
        await AppendManyAsync(10);
        var sql = assignment.StartsWith("time", StringComparison.Ordinal) && Provider == "postgres"
            ? "UPDATE audit_records SET time = time + interval '1 second' WHERE sequence = 6"
            : $"UPDATE audit_records SET {assignment} WHERE sequence = 6";

        Assert.Equal(1, await TamperAsync(sql));
        var verification = await Log.VerifyAsync();

        Assert.Equal(6, verification.FirstBadSequence);
        Assert.Equal(5, verification.RecordsChecked);
    }

    [Fact]
    public async Task VerifyAsync_RecordDeleted_ReportsThatRecord()
    {
        await AppendManyAsync(10);

        await TamperAsync("DELETE FROM audit_records WHERE sequence = 4");

        Assert.Equal(4, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_LastRecordDeleted_ReportsThatRecord()
    {
        await AppendManyAsync(10);

        await TamperAsync("DELETE FROM audit_records WHERE sequence = 10");

        Assert.Equal(10, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_HeadResetAndRecordAltered_StillReportsTheRecord()
    {
        await AppendManyAsync(10);

        await TamperAsync($"UPDATE audit_head SET sequence = 0, hash = '{AuditChain.GenesisHash}'");
        await TamperAsync("UPDATE audit_records SET actor = 'mallory' WHERE sequence = 7");

        Assert.Equal(7, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_TwoRecordsSwapped_ReportsTheFirstOfThem()
    {
        await AppendManyAsync(10);

        // Every column but the sequence changes place: the rows swap contents.
        await TamperAsync("UPDATE audit_records SET sequence = -1 WHERE sequence = 3");
        await TamperAsync("UPDATE audit_records SET sequence = 3 WHERE sequence = 8");
        await TamperAsync("UPDATE audit_records SET sequence = 8 WHERE sequence = -1");

        Assert.Equal(3, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task VerifyAsync_AlteredRecordWithRecomputedHash_IsStillCaughtAtTheNextLink()
    {
        await AppendManyAsync(10);
        var original = (await Log.ReadAsync(4, 1))[0];
        var forged = original with { Entry = original.Entry with { Actor = "mallory" } };
        var forgedHash = AuditChain.ComputeHash(forged.PreviousHash, forged);

        await TamperAsync($"UPDATE audit_records SET actor = 'mallory', hash = '{forgedHash}' WHERE sequence = 5");

        Assert.Equal(6, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task PurgeAsync_RecordsOlderThanCutoff_RemovedAndChainStillVerifies()
    {
        await AppendManyAsync(10);
        Clock.Advance(TimeSpan.FromDays(7 * 365));
        await AppendManyAsync(5);

        var removed = await Log.PurgeAsync(Clock.GetUtcNow() - AuditLog.DefaultRetention, "admin-1");

        Assert.Equal(10, removed);
        var remaining = await ToListAsync(Log.ReadAllAsync());
        Assert.Equal(Enumerable.Range(11, 6).Select(i => (long)i), remaining.Select(r => r.Sequence));
        var purge = remaining[^1].Entry;
        Assert.Equal((AuditActions.ConfigurationChange, "purged", "audit.purge", "10"), (purge.Action, purge.Result, purge.Details!["operation"], purge.Details["records"]));
        var verification = await Log.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(6, verification.RecordsChecked);
    }

    [Fact]
    public async Task PurgeAsync_LegalHoldOnPatient_KeepsThatPatientsRecordsAndChainVerifies()
    {
        for (var i = 0; i < 12; i++)
        {
            await Log.AppendAsync(Entry($"u{i}", patientHash: i % 4 == 1 ? "held-patient" : "other-patient"));
        }

        await Log.AddLegalHoldAsync(new LegalHold { Id = "case-17", Reason = "litigation", PatientHash = "held-patient", CreatedBy = "admin-1", CreatedAt = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromDays(7 * 365));

        var removed = await Log.PurgeAsync(Clock.GetUtcNow() - AuditLog.DefaultRetention, "admin-1");

        Assert.Equal(9, removed);
        var remaining = await ToListAsync(Log.ReadAllAsync());
        Assert.Equal([2L, 6L, 10L], remaining.Where(r => r.Entry.PatientHash == "held-patient" && r.Entry.Action == AuditActions.PolicyDecision).Select(r => r.Sequence));
        var verification = await Log.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
    }

    [Fact]
    public async Task PurgeAsync_AfterTimeRangeHoldIsLifted_RemovesTheRestAndChainVerifies()
    {
        await AppendManyAsync(4);
        var heldFrom = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromDays(1));
        await AppendManyAsync(3);
        Clock.Advance(TimeSpan.FromDays(1));
        var heldTo = Clock.GetUtcNow();
        await AppendManyAsync(2);
        await Log.AddLegalHoldAsync(new LegalHold { Id = "audit-2019", Reason = "regulator audit", From = heldFrom.AddSeconds(1), To = heldTo, CreatedBy = "admin-1", CreatedAt = Clock.GetUtcNow() });
        Clock.Advance(TimeSpan.FromDays(7 * 365));
        var cutoff = Clock.GetUtcNow() - AuditLog.DefaultRetention;

        var first = await Log.PurgeAsync(cutoff, "admin-1");
        var midway = await Log.VerifyAsync();
        Assert.True(await Log.RemoveLegalHoldAsync("audit-2019", "admin-1"));
        var second = await Log.PurgeAsync(cutoff, "admin-1");

        Assert.Equal((7L, 3L), (first, second));
        Assert.True(midway.IsValid, midway.Reason);
        var verification = await Log.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, (await Log.ListPurgedAsync()).Count(r => r.LastSequence <= 9));
    }

    [Fact]
    public async Task VerifyAsync_PurgedRangeForgedToExcuseADeletion_ReportsTheDeletedRecord()
    {
        await AppendManyAsync(5);
        Clock.Advance(TimeSpan.FromDays(7 * 365));
        await AppendManyAsync(5);
        await Log.PurgeAsync(Clock.GetUtcNow() - AuditLog.DefaultRetention, "admin-1");
        var victim = (await Log.ReadAsync(7, 1))[0];

        await TamperAsync("DELETE FROM audit_records WHERE sequence = 8");
        await TamperAsync($"INSERT INTO audit_purged (first_sequence, last_sequence, last_hash, purge_sequence, purged_at) VALUES (8, 8, '{victim.Hash}', 11, {(Provider == "postgres" ? "now()" : "0")})");

        Assert.Equal(8, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task PurgeAsync_Twice_KeepsThePurgeRecordsThatVouchForRangesAndChainVerifies()
    {
        await AppendManyAsync(3);
        Clock.Advance(TimeSpan.FromDays(7 * 365));
        await Log.PurgeAsync(Clock.GetUtcNow() - AuditLog.DefaultRetention, "admin-1");
        await AppendManyAsync(2);
        Clock.Advance(TimeSpan.FromDays(7 * 365));

        var second = await Log.PurgeAsync(Clock.GetUtcNow() - AuditLog.DefaultRetention, "admin-1");

        Assert.Equal(2, second);
        var remaining = await ToListAsync(Log.ReadAllAsync());
        Assert.Equal([4L, 7L], remaining.Select(r => r.Sequence));
        Assert.All(remaining, r => Assert.Equal(AuditChain.PurgeOperation, r.Entry.Details!["operation"]));
        var verification = await Log.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
    }

    [Fact]
    public async Task VerifyAsync_RecordDeletedAfterPurge_ReportsThatRecord()
    {
        await AppendManyAsync(5);
        Clock.Advance(TimeSpan.FromDays(7 * 365));
        await AppendManyAsync(5);
        await Log.PurgeAsync(Clock.GetUtcNow() - AuditLog.DefaultRetention, "admin-1");

        await TamperAsync("DELETE FROM audit_records WHERE sequence = 8");

        Assert.Equal(8, (await Log.VerifyAsync()).FirstBadSequence);
    }

    [Fact]
    public async Task LegalHolds_AddListRemove_AreThemselvesAudited()
    {
        var hold = new LegalHold { Id = "case-9", Reason = "subpoena", InstanceId = "wf-42", CreatedBy = "admin-7", CreatedAt = Start };

        Assert.True(await Log.AddLegalHoldAsync(hold));
        Assert.False(await Log.AddLegalHoldAsync(hold with { Reason = "again" }));
        var listed = await Log.ListLegalHoldsAsync("auditor-3");
        Assert.True(await Log.RemoveLegalHoldAsync("case-9", "admin-7"));
        Assert.False(await Log.RemoveLegalHoldAsync("case-9", "admin-7"));

        Assert.Equal(hold with { CreatedAt = AuditChain.Normalize(Start) }, Assert.Single(listed));
        Assert.Empty(await Log.ListLegalHoldsAsync("auditor-3"));
        var records = await Log.ReadAsync(0, 10);
        Assert.All(records, r => Assert.Equal(AuditActions.ConfigurationChange, r.Entry.Action));
        Assert.Equal(
            ["legal-hold.add:added:admin-7", "legal-hold.add:exists:admin-7", "legal-hold.list:listed:auditor-3", "legal-hold.remove:removed:admin-7", "legal-hold.remove:not-found:admin-7", "legal-hold.list:listed:auditor-3"],
            records.Select(r => $"{r.Entry.Details!["operation"]}:{r.Entry.Result}:{r.Entry.Actor}"));
        Assert.Equal("wf-42", records[0].Entry.InstanceId);
    }

    [Fact]
    public async Task AddLegalHoldAsync_NoCriterion_ThrowsAndStoresNothing()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Log.AddLegalHoldAsync(new LegalHold { Id = "x", Reason = "r", CreatedBy = "a", CreatedAt = Start }));

        Assert.Contains("time range", exception.Message, StringComparison.Ordinal);
        Assert.Empty(await Log.ListLegalHoldsAsync("a"));
    }

    [Fact]
    public async Task ReadMessagesQueuedByAsync_ReturnsTheFirstOfEachMessageRecord_ForTheActorsMessagesOnly_APageOfMessagesAtATime()
    {
        AuditEntry Of(string action, string actor, string message, string result = "ok") =>
            Entry(actor) with { Action = action, MessageId = message, Result = result };
        const string journey = "workflow:reminder";
        await Log.AppendAsync(
        [
            Of(AuditActions.PolicyDecision, journey, "m-2"),
            Of(AuditActions.MessageQueued, journey, "m-2", "queued-1"),
            Of(AuditActions.MessageQueued, journey, "m-1"),
            Of(AuditActions.MessageQueued, "workflow:other", "m-9"),
            Of(AuditActions.MessageDelivered, "system:outbox", "m-2", "delivered-1"),
            Of(AuditActions.MessageQueued, journey, "m-2", "queued-2"),
            Of(AuditActions.MessageDelivered, "system:outbox", "m-2", "delivered-2"),
            Of(AuditActions.MessageBounced, "system:outbox", "m-2"),
            Of(AuditActions.MessageDelivered, "system:outbox", "m-9"),
            Of(AuditActions.ConsentCheck, journey, "m-1"),
            Of(AuditActions.MessageQueued, journey, "m-3"),
            Of(AuditActions.MessageBounced, "system:outbox", "m-3"),
        ]);

        var first = await Log.ReadMessagesQueuedByAsync(journey, null, 2);
        var rest = await Log.ReadMessagesQueuedByAsync(journey, first[^1].Entry.MessageId, 2);

        Assert.Equal(
            ["m-1 message.queued ok", "m-2 message.queued queued-1", "m-2 message.delivered delivered-1", "m-2 message.bounced ok"],
            first.Select(r => $"{r.Entry.MessageId} {r.Entry.Action} {r.Entry.Result}"));
        Assert.Equal(["m-3 message.queued ok", "m-3 message.bounced ok"], rest.Select(r => $"{r.Entry.MessageId} {r.Entry.Action} {r.Entry.Result}"));
        Assert.Empty(await Log.ReadMessagesQueuedByAsync(journey, rest[^1].Entry.MessageId, 2));
        Assert.Empty(await Log.ReadMessagesQueuedByAsync("workflow:nobody", null, 10));
        Assert.Equal("actor", (await Assert.ThrowsAsync<ArgumentException>(() => Log.ReadMessagesQueuedByAsync("", null, 10))).ParamName);
    }

    [Fact]
    public async Task ExportAsync_TimeRange_ReturnsOnlyRecordsInIt()
    {
        await AppendManyAsync(3);
        Clock.Advance(TimeSpan.FromHours(1));
        var from = Clock.GetUtcNow();
        await AppendManyAsync(4);
        Clock.Advance(TimeSpan.FromHours(1));
        var to = Clock.GetUtcNow();
        await AppendManyAsync(2);

        var exported = await ToListAsync(Log.ExportAsync(from, to));

        Assert.Equal([4L, 5L, 6L, 7L], exported.Select(r => r.Sequence));
    }

    [Theory]
    [InlineData("UPDATE audit_records SET actor = 'mallory' WHERE sequence = 2")]
    [InlineData("DELETE FROM audit_records WHERE sequence = 2")]
    public async Task RawChange_WhileTheGuardsAreInPlace_IsRefusedAndChainStaysIntact(string sql)
    {
        await AppendManyAsync(3);

        var exception = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => database.ExecuteAsync(sql));

        Assert.Contains("append-only", exception.Message, StringComparison.Ordinal);
        Assert.True((await Log.VerifyAsync()).IsValid);
    }

    private static AuditEntry Entry(string actor, string? patientHash = null, Dictionary<string, string>? details = null) => new()
    {
        Action = AuditActions.PolicyDecision,
        Actor = actor,
        Result = "sent",
        InstanceId = "wf-1",
        MessageId = "msg-" + actor,
        PatientHash = patientHash,
        Policy = "phi-default",
        Method = "smime",
        TlsProtocol = "Tls13",
        TlsCipher = "TLS_AES_256_GCM_SHA384",
        Details = details ?? new() { ["reason"] = "certificate on file" },
    };

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    // Someone with full database rights: drops the append-only guards, then edits rows.
    private async Task<int> TamperAsync(string sql)
    {
        await database.ExecuteAsync(Provider == "postgres"
            ? "DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records; DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records;"
            : "DROP TRIGGER IF EXISTS audit_records_no_update; DROP TRIGGER IF EXISTS audit_records_no_delete;");
        return await database.ExecuteAsync(sql);
    }

    private async Task AppendManyAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Log.AppendAsync(Entry("user-" + i));
        }
    }

    private async Task<AuditLog> OpenAsync()
    {
        var log = WorkflowStoreFactory.CreateAuditLog(Provider, database.ConnectionString, Clock);
        logs.Add(log);
        await log.MigrateAsync();
        await log.MigrateAsync();
        return log;
    }
}

public sealed class SqliteAuditLogTests : AuditLogContractTests
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresAuditLogTests : AuditLogContractTests
{
    protected override string Provider => "postgres";

    [Fact]
    public async Task MigrateAsync_SearchPathSchemaMissing_CreatesItAndTheTablesInIt()
    {
        var schema = "missing_" + Guid.NewGuid().ToString("N");
        var baseConnection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured ? configured : PostgresStoreFixture.DefaultConnectionString;
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema }.ConnectionString;
        try
        {
            await using var log = WorkflowStoreFactory.CreateAuditLog("postgres", connection);
            await log.MigrateAsync();
            await log.AppendAsync(new AuditEntry { Action = "test", Actor = "system", Result = "ok" });

            Assert.Equal(1, (await log.GetHeadAsync()).Sequence);
        }
        finally
        {
            await using var admin = new Npgsql.NpgsqlConnection(baseConnection);
            await admin.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
