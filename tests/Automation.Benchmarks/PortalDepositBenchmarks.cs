using System.Security.Cryptography;
using Automation.Activities.SecureSend.Portal;
using Automation.Engine.Audit;
using Automation.Engine.Security;
using BenchmarkDotNet.Attributes;
using Npgsql;

namespace Automation.Benchmarks;

/// <summary>
/// Portal deposits: four AES-256-GCM encryptions (recipient, subject, HTML, text) and one insert per message, plus the
/// signed pickup link, with <see cref="Concurrency"/> deposits in flight (as the outbox relay's workers would send).
/// Reported per deposit: deposits/s = 1 s / mean. PostgreSQL comes from AUTOMATION_BENCH_POSTGRES (default: the CI
/// database on 127.0.0.1, schema <c>bench_portal</c>, recreated).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class PortalDepositBenchmarks
{
    private const int DepositsPerInvoke = 400;
    private const string PostgresSchema = "bench_portal";

    private static readonly string Html = "<html><body><p>Dear patient,</p>" + string.Concat(Enumerable.Repeat("<p>Your HbA1c result is ready; please book a review with your care team.</p>", 20)) + "</body></html>";
    private static readonly string Text = string.Concat(Enumerable.Repeat("Your HbA1c result is ready; please book a review with your care team.\n", 20));

    private PortalMailbox mailbox = null!;
    private string sqliteFile = "";
    private int sequence;

    [Params("sqlite", "postgres")]
    public string Store { get; set; } = "sqlite";

    [Params(1, 8)]
    public int Concurrency { get; set; } = 1;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string connection;
        if (Store == "sqlite")
        {
            sqliteFile = Path.Combine(Path.GetTempPath(), $"automation-bench-portal-{Guid.NewGuid():N}.db");
            connection = "Data Source=" + sqliteFile;
        }
        else
        {
            var baseConnection = Environment.GetEnvironmentVariable("AUTOMATION_BENCH_POSTGRES")
                ?? "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";
            await using (var admin = new NpgsqlConnection(baseConnection))
            {
                await admin.OpenAsync();
                await using var reset = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {PostgresSchema} CASCADE; CREATE SCHEMA {PostgresSchema};", admin);
                await reset.ExecuteNonQueryAsync();
            }

            connection = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = PostgresSchema }.ConnectionString;
        }

        mailbox = PortalMailbox.Create(
            new PortalOptions { PublicBaseUrl = new Uri("https://automation.example.org"), StoreProvider = Store, StoreConnectionString = connection },
            PhiProtector.CreateEphemeral("bench"),
            new SignedTokens(RandomNumberGenerator.GetBytes(32), TimeProvider.System),
            new NoAuditLog(),
            new PatientIdHasher(RandomNumberGenerator.GetBytes(32)));
        await mailbox.DepositAsync(Message()); // creates the table outside the measurement
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (sqliteFile.Length > 0)
        {
            File.Delete(sqliteFile);
        }
    }

    [Benchmark(Description = "portal deposit (encrypt 4 fields + insert + link)", OperationsPerInvoke = DepositsPerInvoke)]
    public async Task Deposit()
    {
        var perWorker = DepositsPerInvoke / Concurrency;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                await mailbox.DepositAsync(Message());
            }
        }));
    }

    private PortalMessage Message()
    {
        var n = Interlocked.Increment(ref sequence);
        return new PortalMessage($"bench-{n:D9}-{Guid.NewGuid():N}", $"p{n % 100_000:D7}", "instance-bench", $"patient{n}@example.org",
            "Your lab result is ready", Html, Text, DateTimeOffset.UtcNow.AddDays(14));
    }

    private sealed class NoAuditLog : IAuditLog
    {
        public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);

        public Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);
    }
}
