using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Patients;
using Automation.Engine.Audit;
using BenchmarkDotNet.Attributes;

namespace Automation.Benchmarks;

/// <summary>
/// Consent checks per second. <c>Evaluate</c> is the pure decision for one patient (a treatment permit, a marketing
/// permit, an expired marketing permit, and an opt-in followed by an opt-out); <c>Check</c> is what CheckConsent does
/// per patient: read the patient's records fresh from the store (10,000 patients with two records each) and decide.
/// Reported per check; checks/s = 1 s / mean. PostgreSQL from AUTOMATION_BENCH_POSTGRES (default: the CI database,
/// schema <c>bench_consent</c>).
/// </summary>
[MemoryDiagnoser]
public class ConsentBenchmarks
{
    private const int Patients = 10_000;
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly ConsentFact[] consents =
    [
        new("treat", "active", "permit", ["TREAT"], ["email"], Now.AddDays(-400), null, "1", Now.AddDays(-400)),
        new("mkt", "active", "permit", ["HMARKT"], ["email"], Now.AddDays(-200), null, "3", Now.AddDays(-200)),
        new("mkt-old", "active", "permit", ["HMARKT"], ["email"], Now.AddDays(-900), Now.AddDays(-500), "1", Now.AddDays(-900)),
    ];

    private ConsentRecord[] records = [];
    private ConsentRegistry registry = null!;
    private IConsentRecordStore store = null!;
    private string folder = "";
    private int next;

    /// <summary>The record store the <c>Check</c> benchmark reads.</summary>
    [Params("sqlite", "postgres")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        records =
        [
            Record("in", "p1", ConsentRecordKind.OptIn, Now.AddDays(-30)),
            Record("out", "p1", ConsentRecordKind.OptOut, Now.AddDays(-3)),
        ];
        folder = Directory.CreateTempSubdirectory("automation-bench-consent-").FullName;
        var connection = Store == "sqlite"
            ? $"Data Source={Path.Combine(folder, "consent.db")}"
            : Environment.GetEnvironmentVariable("AUTOMATION_BENCH_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test;Search Path=bench_consent";
        if (Store == "postgres")
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
            await using var admin = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(connection) { SearchPath = null }.ConnectionString);
            await admin.OpenAsync();
            await using var reset = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{builder.SearchPath}\" CASCADE; CREATE SCHEMA \"{builder.SearchPath}\"", admin);
            await reset.ExecuteNonQueryAsync();
        }

        store = ConsentRecordStoreFactory.Create(Store, connection);
        await store.MigrateAsync();
        for (var i = 0; i < Patients; i++)
        {
            var patient = PatientId(i);
            await store.AddAsync(Record("in-" + i, patient, ConsentRecordKind.OptIn, Now.AddDays(-30)));
            await store.AddAsync(Record("out-" + i, patient, ConsentRecordKind.OptOut, Now.AddDays(-3)));
        }

        registry = new ConsentRegistry(store, new FixedClock(Now), new NullAuditLog(), new PatientIdHasher(new byte[32]));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>The pure decision (no I/O).</summary>
    [Benchmark]
    public bool Evaluate() => ConsentEvaluator.Decide(ConsentPurposes.Marketing, ConsentChannels.Email, consents, records, Now).Granted;

    /// <summary>A full check: the patient's records read from the store, then the decision.</summary>
    [Benchmark]
    public async Task<bool> Check()
    {
        var patient = PatientId(next++ % Patients);
        return (await registry.CheckAsync(patient, consents, ConsentPurposes.Marketing, ConsentChannels.Email)).Granted;
    }

    private static string PatientId(int i) => "p" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    private static ConsentRecord Record(string id, string patient, ConsentRecordKind kind, DateTimeOffset at) => new()
    {
        RecordId = id, PatientId = patient, Purpose = ConsentPurposes.Marketing, Channel = ConsentChannels.Email, Kind = kind, RecordedAt = at, Source = ConsentSources.Api,
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class NullAuditLog : IAuditLog
    {
        public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<AuditRecord>>([]);

        public Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<AuditRecord>>([]);
    }
}
