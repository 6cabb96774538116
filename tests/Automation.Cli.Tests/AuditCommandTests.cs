using System.Text.Json;
using Automation.Engine.Audit;
using Automation.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Cli.Tests;

public sealed class AuditCommandTests : IDisposable
{
    private static readonly DateTimeOffset Old = new(2018, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string folder = Directory.CreateTempSubdirectory("automation-audit-").FullName;

    private string Connection => "Data Source=" + Path.Combine(folder, "audit.db");

    [Fact]
    public async Task Verify_IntactLog_Exits0PrintingTheCount()
    {
        await SeedAsync(Connection, "sqlite", DateTimeOffset.UtcNow, 7);

        var (exit, output, _) = await RunAsync("audit", "verify", "--connection", Connection);

        Assert.Equal(0, exit);
        Assert.Equal("ok: 7 records", output.Trim());
    }

    [Theory]
    [InlineData("UPDATE audit_records SET result = 'granted' WHERE sequence = 5", 5)]
    [InlineData("DELETE FROM audit_records WHERE sequence = 3", 3)]
    [InlineData("UPDATE audit_records SET sequence = -1 WHERE sequence = 2; UPDATE audit_records SET sequence = 2 WHERE sequence = 6; UPDATE audit_records SET sequence = 6 WHERE sequence = -1;", 2)]
    public async Task Verify_TamperedLog_Exits1PrintingTheFirstBadSequence(string tamper, long expected)
    {
        await SeedAsync(Connection, "sqlite", DateTimeOffset.UtcNow, 7);
        await using (var connection = new SqliteConnection(Connection))
        {
            await connection.OpenAsync();
            // Someone with full database rights drops the append-only guards first.
            await using var command = new SqliteCommand("DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete; " + tamper, connection);
            await command.ExecuteNonQueryAsync();
        }

        var (exit, output, _) = await RunAsync("audit", "verify", "--db", "sqlite", "--connection", Connection);

        Assert.Equal(1, exit);
        Assert.Equal($"first bad sequence: {expected}", output.Trim());
    }

    [Fact]
    public async Task Verify_OnPostgres_ReportsTheAlteredRecord()
    {
        var baseConnection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";
        var schema = "cli_" + Guid.NewGuid().ToString("N");
        var connection = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema }.ConnectionString;
        await ExecutePostgresAsync(baseConnection, $"CREATE SCHEMA \"{schema}\"");
        try
        {
            await SeedAsync(connection, "postgres", DateTimeOffset.UtcNow, 4);
            var intact = await RunAsync("audit", "verify", "--db", "postgres", "--connection", connection);
            await ExecutePostgresAsync(connection, "DROP TRIGGER audit_records_append_only ON audit_records; UPDATE audit_records SET actor = 'mallory' WHERE sequence = 4");
            var tampered = await RunAsync("audit", "verify", "--db", "postgres", "--connection", connection);

            Assert.Equal((0, "ok: 4 records"), (intact.Exit, intact.Out.Trim()));
            Assert.Equal((1, "first bad sequence: 4"), (tampered.Exit, tampered.Out.Trim()));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecutePostgresAsync(baseConnection, $"DROP SCHEMA \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task Export_TimeRange_WritesJsonLinesWhoseHashesAnAuditorCanRecompute()
    {
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await SeedAsync(Connection, "sqlite", start.AddDays(-1), 2);
        await SeedAsync(Connection, "sqlite", start.AddHours(3), 3);
        await SeedAsync(Connection, "sqlite", start.AddDays(2), 1);
        var file = Path.Combine(folder, "export.jsonl");

        var (exit, output, _) = await RunAsync("audit", "export", "--from", "2026-03-01", "--to", "2026-03-02T00:00:00Z", "--out", file, "--connection", Connection);

        Assert.Equal(0, exit);
        Assert.Contains("exported 3 records", output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(3, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var entry = new AuditEntry
            {
                Action = root.GetProperty("action").GetString()!,
                Actor = root.GetProperty("actor").GetString()!,
                Result = root.GetProperty("result").GetString()!,
                InstanceId = root.GetProperty("instanceId").GetString(),
                PatientHash = root.GetProperty("patientHash").GetString(),
                Details = root.GetProperty("details").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            };
            var time = DateTimeOffset.Parse(root.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var recomputed = AuditChain.ComputeHash(root.GetProperty("previousHash").GetString()!, root.GetProperty("sequence").GetInt64(), time, entry);
            Assert.Equal(root.GetProperty("hash").GetString(), recomputed);
        }

        Assert.Equal([3L, 4L, 5L], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task Export_UnparsableFrom_Exits2NamingTheOption()
    {
        var (exit, _, error) = await RunAsync("audit", "export", "--from", "yesterday", "--to", "2026-03-02", "--connection", Connection);

        Assert.Equal(2, exit);
        Assert.Contains("--from: 'yesterday' is not an ISO-8601 time", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldAndPurge_HeldPatientSurvivesDefaultRetentionPurgeAndChainStillVerifies()
    {
        await SeedAsync(Connection, "sqlite", Old, 6);
        await SeedAsync(Connection, "sqlite", DateTimeOffset.UtcNow, 2);

        var add = await RunAsync("audit", "hold", "add", "--id", "case-1", "--reason", "litigation", "--patient-hash", "patient-1", "--connection", Connection);
        var list = await RunAsync("audit", "hold", "list", "--connection", Connection);
        var purge = await RunAsync("audit", "purge", "--connection", Connection);
        var verify = await RunAsync("audit", "verify", "--connection", Connection);
        var remove = await RunAsync("audit", "hold", "remove", "--id", "case-1", "--connection", Connection);
        var purgeAgain = await RunAsync("audit", "purge", "--before", Old.AddDays(1).ToString("O"), "--connection", Connection);
        var removeMissing = await RunAsync("audit", "hold", "remove", "--id", "case-1", "--connection", Connection);

        Assert.Equal((0, "hold case-1 added"), (add.Exit, add.Out.Trim()));
        Assert.StartsWith("case-1\t-\t-\t-\tpatient-1\tcli:", list.Out, StringComparison.Ordinal);
        Assert.StartsWith("purged: 3 records before", purge.Out, StringComparison.Ordinal);
        Assert.Equal((0, "ok: 8 records"), (verify.Exit, verify.Out.Trim()));
        Assert.Equal((0, "hold case-1 removed"), (remove.Exit, remove.Out.Trim()));
        Assert.StartsWith("purged: 3 records before 2018-05-02", purgeAgain.Out, StringComparison.Ordinal);
        Assert.Equal(1, removeMissing.Exit);
        Assert.Equal("ok: 8 records", (await RunAsync("audit", "verify", "--connection", Connection)).Out.Trim());
    }

    [Fact]
    public async Task HoldAdd_WithoutAnyCriterion_Exits2AndAddsNothing()
    {
        var (exit, _, error) = await RunAsync("audit", "hold", "add", "--id", "case-2", "--reason", "r", "--connection", Connection);

        Assert.Equal(2, exit);
        Assert.Contains("must name a time range", error, StringComparison.Ordinal);
        Assert.Equal("", (await RunAsync("audit", "hold", "list", "--connection", Connection)).Out);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    // Patients alternate between two hashes, so a hold on one keeps every other record.
    private static async Task SeedAsync(string connection, string provider, DateTimeOffset at, int count)
    {
        await using var log = WorkflowStoreFactory.CreateAuditLog(provider, connection, new FixedClock(at));
        await log.MigrateAsync();
        for (var i = 0; i < count; i++)
        {
            await log.AppendAsync(new AuditEntry
            {
                Action = AuditActions.MessageDelivered,
                Actor = "workflow:reminder",
                Result = "sent",
                InstanceId = "wf-" + i,
                PatientHash = "patient-" + (i % 2),
                Details = new Dictionary<string, string> { ["domain"] = "hospital.test" },
            });
        }
    }

    private static async Task ExecutePostgresAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
