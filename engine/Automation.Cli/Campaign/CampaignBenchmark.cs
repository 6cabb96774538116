using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Automation.Activities.Consent;
using Automation.Activities.Consent.Records;
using Automation.Activities.Fhir;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Synthetic;
using Automation.Activities.SecureSend;
using Automation.Activities.SecureSend.Capture;
using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Portal;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tracking;
using Automation.Activities.Segments;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Population;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Audience;
using Automation.Engine.Audit;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Outbox;
using Automation.Engine.Persistence;
using Automation.Engine.Security;
using Automation.Persistence;
using Appointment = Hl7.Fhir.Model.Appointment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Automation.Cli.Campaign;

/// <summary>
/// The end-to-end campaign benchmark: a synthetic population, a fresh store, a journey published and entered by an
/// audience, run to the end on a fake clock (waits time out at once), delivering into a loopback SMTP server with
/// STARTTLS in this process. Services are composed as the server composes them (engine, FHIR NDJSON source, consent,
/// tracking, segments, secure send with its outbox handler, portal, audit log).
/// </summary>
internal sealed class CampaignBenchmark(CampaignSettings settings, TextWriter output)
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(ContainerMemoryLimit.Describe(settings.MemoryLimitMegabytes)).ConfigureAwait(false);
        if (settings.WarmupPatients > 0)
        {
            await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        }

        var population = await PreparePopulationAsync(cancellationToken).ConfigureAwait(false);
        var work = Directory.CreateTempSubdirectory("automation-bench-").FullName;
        string? schema = null;
        try
        {
            string connection;
            if (settings.Provider == "postgres")
            {
                schema = "bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

                // All stores share one pool, as in the server.
                var baseConnection = settings.Connection ?? DefaultPostgres;
                await ExecutePostgresAsync(baseConnection, $"CREATE SCHEMA \"{schema}\"", cancellationToken).ConfigureAwait(false);
                connection = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema }.ConnectionString;
            }
            else
            {
                connection = "Data Source=" + Path.Combine(work, "bench.db");
            }

            await output.WriteLineAsync($"store: {settings.Provider} ({(schema is null ? "temporary file" : "schema " + schema)})").ConfigureAwait(false);
            return await RunOnStoreAsync(population, work, connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (schema is not null)
            {
                await ExecutePostgresAsync(settings.Connection ?? DefaultPostgres, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", CancellationToken.None).ConfigureAwait(false);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind is harmless.
            }
        }
    }

    /// <summary>
    /// Runs the same journey, method and store for a small population first, in its own schema or file, so the measured
    /// run sees a process whose hot paths the JIT has already optimized, as a server that has been running would be.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var warmup = settings with { Patients = settings.WarmupPatients, PopulationDirectory = null, WarmupPatients = 0 };
        var log = new StringWriter(CultureInfo.InvariantCulture);
        if (await new CampaignBenchmark(warmup, log).RunAsync(cancellationToken).ConfigureAwait(false) != CliApplication.Ok)
        {
            throw new InvalidOperationException("The warm-up run failed:" + Environment.NewLine + log);
        }

        var sent = log.ToString().Split('\n').FirstOrDefault(line => line.StartsWith("sent: ", StringComparison.Ordinal))?.Trim() ?? "sent: ?";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"warm-up: {settings.WarmupPatients} patients, {sent} ({Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s, not measured)")).ConfigureAwait(false);
    }

    private async Task<string> PreparePopulationAsync(CancellationToken cancellationToken)
    {
        var directory = settings.PopulationDirectory
            ?? Path.Combine(Path.GetTempPath(), "automation-bench", string.Create(CultureInfo.InvariantCulture, $"pop-{settings.Patients}-{settings.Seed}-{settings.Start:yyyyMMdd}"));
        var patientFile = Path.Combine(directory, "Patient.ndjson");
        if (File.Exists(patientFile) && CountLines(patientFile) == settings.Patients)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"population: {settings.Patients} patients reused from {directory}")).ConfigureAwait(false);
            return directory;
        }

        var started = Stopwatch.GetTimestamp();
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions
        {
            PatientCount = settings.Patients,
            Seed = settings.Seed,
            OutputDirectory = directory,
            Today = DateOnly.FromDateTime(settings.Start.UtcDateTime),
        }, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"population: {settings.Patients} patients generated in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s -> {directory}")).ConfigureAwait(false);
        return directory;
    }

    private async Task<int> RunOnStoreAsync(string population, string work, string connection, CancellationToken cancellationToken)
    {
        var clock = new ManualClock(settings.Start);
        var policies = Path.Combine(work, "policies");
        BenchmarkRecipients.WritePolicy(policies, settings.Method);
        await using var smtp = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true, Keep = 0 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Automation:Store:Provider"] = settings.Provider,
            ["Automation:Store:ConnectionString"] = connection,
            ["Automation:PublicBaseUrl"] = "http://127.0.0.1:5080",
            ["Fhir:Directory"] = population,
            ["SecureSend:PolicyDirectory"] = policies,
            ["SecureSend:Smtp:Host"] = "127.0.0.1",
            ["SecureSend:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["SecureSend:Smtp:TlsMode"] = "starttls",
            ["SecureSend:Smtp:InsecureAcceptAnyCertificate"] = "true",
            ["SecureSend:Smtp:PoolSize"] = settings.SmtpPoolSize.ToString(CultureInfo.InvariantCulture),
        }).Build();

        // As the server does: on PostgreSQL every store shares one connection pool.
        await using var pool = settings.Provider == "postgres" ? NpgsqlDataSource.Create(connection) : null;
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddAutomationEngine();
        // As the server does: instance state holds patient contexts, so it is encrypted at rest.
        var phi = new PhiProtector(new Dictionary<string, byte[]> { ["bench"] = RandomNumberGenerator.GetBytes(32) }, "bench");
        services.AddSingleton(phi);
        services.AddSingleton(pool is null ? WorkflowStoreFactory.Create(settings.Provider, connection, phi) : WorkflowStoreFactory.Create(pool, phi));
        services.AddSingleton(provider => (IOutboxStore)provider.GetRequiredService<IWorkflowStore>());
        services.AddSingleton(pool is null ? WorkflowStoreFactory.CreateAuditLog(settings.Provider, connection, clock) : WorkflowStoreFactory.CreateAuditLog(pool, clock));
        services.AddSingleton<IAuditLog>(provider => provider.GetRequiredService<Automation.Persistence.Audit.AuditLog>());
        services.AddSingleton(new PatientIdHasher(RandomNumberGenerator.GetBytes(32)));
        services.AddSingleton(new SignedTokens(RandomNumberGenerator.GetBytes(32), clock));
        services.AddFhirPatientData(configuration, population);
        services.AddConsent(_ => pool is null ? ConsentRecordStoreFactory.Create(settings.Provider, connection) : new PostgresConsentRecordStore(pool));
        services.AddEngagementTracking(configuration, _ => pool is null ? TrackingStoreFactory.Create(settings.Provider, connection) : new PostgresTrackingStore(pool), new Uri("http://127.0.0.1:5080"));
        services.AddSegments(_ => pool is null ? SegmentStore.Create(settings.Provider, connection) : SegmentStore.Create(pool));
        if (pool is not null)
        {
            var recipientStore = RecipientStore.Create(pool);
            await recipientStore.MigrateAsync(cancellationToken).ConfigureAwait(false);
            services.AddSingleton(recipientStore);
        }

        services.AddSecureSend(configuration);
        services.AddPortal(configuration, (_, options) =>
        {
            options.StoreProvider = settings.Provider;
            options.StoreConnectionString = connection;
            options.StoreDataSource = pool;
        });
        await using var provider = services.BuildServiceProvider();

        var setup = Stopwatch.GetTimestamp();
        var store = provider.GetRequiredService<IWorkflowStore>();
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var audit = provider.GetRequiredService<Automation.Persistence.Audit.AuditLog>();
        await audit.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await provider.GetRequiredService<IConsentRecordStore>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        await provider.GetRequiredService<ITrackingStore>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        var segments = provider.GetRequiredService<SegmentRepository>();
        await segments.InitializeAsync(Path.Combine(settings.WorkflowsDirectory, "segments"), cancellationToken).ConfigureAwait(false);
        var recipients = provider.GetRequiredService<RecipientStore>();
        var provisioned = await BenchmarkRecipients.ProvisionAsync(recipients, population, settings.Method, clock, cancellationToken).ConfigureAwait(false);
        var definition = await PublishAsync(provider.GetRequiredService<WorkflowDefinitionService>(), store, cancellationToken).ConfigureAwait(false);
        // Setup's garbage (the provisioning above, then the segment index) goes back before the next big structure
        // is built: the segment index, then the patient directory's index.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var members = await AudienceAsync(provider, population, clock, cancellationToken).ConfigureAwait(false);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        // As the server does at start (PatientIndexWarmUp): the patient directory is indexed before the journey runs.
        var indexed = await ((NdjsonPatientDataSource)provider.GetRequiredService<IPatientDataSource>()).WarmUpAsync().ConfigureAwait(false);

        // As autovacuum would have on a server whose recipient directory was loaded earlier: without statistics, the
        // planner sometimes scanned the 85,000 certificates for a batch of recipient lookups (17 calls took 239 ms in one run).
        if (settings.Provider == "postgres")
        {
            await ExecutePostgresAsync(connection, """
                DO $$ DECLARE t record; BEGIN
                    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP EXECUTE format('ANALYZE %I', t.tablename); END LOOP;
                END $$
                """, cancellationToken).ConfigureAwait(false);
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"setup: {provisioned} addresses given {settings.Method}, journey {definition.DefinitionId} v{definition.Version} published, audience {members.Count}, {indexed} patients indexed ({Stopwatch.GetElapsedTime(setup).TotalSeconds:F1} s, not measured)")).ConfigureAwait(false);

        var latency = new LatencyRecorder();
        smtp.MessageReceived += message => latency.Received(message.MessageId);
        var handler = new TimedOutboxHandler(provider.GetRequiredService<SecureSendOutboxHandler>(), latency);
        var relay = new OutboxRelay(provider.GetRequiredService<IOutboxStore>(), [handler], provider.GetRequiredService<OutboxSignal>(), clock,
            new OutboxRelayOptions { BatchSize = settings.RelayBatchSize, Parallelism = settings.RelayParallelism });
        var runtime = provider.GetRequiredService<WorkflowRuntime>();

        var started = Stopwatch.GetTimestamp();
        var meter = new ResourceMeter();
        var run = await EnterAsync(store, runtime, provider.GetRequiredService<IAudienceScreen>(), clock, definition, members, relay, cancellationToken).ConfigureAwait(false);
        members = null;
        var entered = Stopwatch.GetElapsedTime(started);
        var rounds = 0;
        while (true)
        {
            await relay.DeliverPendingAsync(cancellationToken).ConfigureAwait(false);
            if (await store.NextTimerDueAsync(cancellationToken).ConfigureAwait(false) is not { } next)
            {
                break;
            }

            rounds++;
            clock.AdvanceTo(next);
            if (await WhileRelayDrainsAsync(relay, () => runtime.ResumeDueTimersAsync(cancellationToken), cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException($"A timer due at {next:O} remains but none resumed at {clock.GetUtcNow():O}.");
            }
        }

        // Deliveries the SMTP server deferred (a dropped connection, a 4xx) wait for their retry time, which the fake clock
        // must reach too: move it on until the outbox stays empty.
        for (var idle = 0; idle < 3; idle++)
        {
            clock.AdvanceTo(clock.GetUtcNow().AddHours(1));
            if (await relay.DeliverPendingAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
                idle = -1;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var used = meter.Elapsed();

        var tally = new CampaignTally();
        await foreach (var record in audit.ReadAllAsync(0, cancellationToken).ConfigureAwait(false))
        {
            tally.Add(record.Entry);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"phases: entry {entered.TotalSeconds:F1} s (relay draining alongside), rest {(elapsed - entered).TotalSeconds:F1} s")).ConfigureAwait(false);
        await ReportAsync(run, tally, smtp.Count, latency, elapsed, used, rounds, clock).ConfigureAwait(false);
        return CliApplication.Ok;
    }

    private async Task<AudienceRun> EnterAsync(IWorkflowStore store, WorkflowRuntime runtime, IAudienceScreen screen, ManualClock clock, WorkflowDefinition definition, List<AudienceMember> members, OutboxRelay relay, CancellationToken cancellationToken)
    {
        var trigger = settings.Journey == CampaignSettings.AppointmentReminder
            ? definition.Root.Activities.FirstOrDefault(a => a.Type == "Healthcare.FhirSubscriptionTrigger")?.Id
            : null;
        var entry = new AudienceEntry(store, runtime, clock)
        {
            Screen = screen,
            BatchSize = settings.EntryBatchSize,
            TriggerActivityId = trigger,
            InstanceScope = settings.Journey == CampaignSettings.AppointmentReminder ? definition.DefinitionId : null,
        };

        return await WhileRelayDrainsAsync(relay, () => entry.RunAsync("bench-" + settings.Journey, definition, members.ToAsyncEnumerable(), null, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while the relay drains the outbox alongside, as the server's relay service would. The
    /// relay is stopped between passes, never inside one: a pass cancelled after its claim would leave leased messages
    /// that are sent again when the fake clock jumps past the lease.
    /// </summary>
    private static async Task<T> WhileRelayDrainsAsync<T>(OutboxRelay relay, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var running = true;
        var draining = Task.Run(async () =>
        {
            while (Volatile.Read(ref running))
            {
                if (await relay.DeliverPendingAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                }
            }
        }, CancellationToken.None);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref running, false);
            await draining.ConfigureAwait(false);
        }
    }

    private async Task<WorkflowDefinition> PublishAsync(WorkflowDefinitionService definitions, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var file = Path.Combine(settings.WorkflowsDirectory, settings.Journey + ".json");
        var parsed = WorkflowDefinitionJson.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        var saved = await definitions.ImportAsync(parsed.Document, publish: true, cancellationToken).ConfigureAwait(false);
        if (!saved.Succeeded)
        {
            throw new InvalidOperationException($"The journey '{settings.Journey}' does not publish: {string.Join("; ", saved.Problems)}");
        }

        return await store.FindDefinitionAsync(parsed.DefinitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The journey '{settings.Journey}' was not published.");
    }

    private async Task<List<AudienceMember>> AudienceAsync(IServiceProvider provider, string population, ManualClock clock, CancellationToken cancellationToken)
    {
        if (settings.Journey == CampaignSettings.ReEngagement)
        {
            var segment = await provider.GetRequiredService<SegmentRepository>().GetCompiledAsync("overdue-12-months", cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The segment 'overdue-12-months' is not in the catalogue.");
            var index = await PopulationIndex.BuildAsync(population, cancellationToken).ConfigureAwait(false);
            var segmentClock = SegmentClock.From(clock);
            var members = new List<AudienceMember>();
            foreach (var patient in index.Patients)
            {
                if (segment.Matches(patient, segmentClock))
                {
                    members.Add(new AudienceMember(patient.Id, new Dictionary<string, object?> { ["patientId"] = patient.Id }));
                }
            }

            return members;
        }

        // As the server's appointment sweep: booked appointments in the next 7 days enter at the subscription trigger.
        var now = clock.GetUtcNow();
        var horizon = now.AddDays(7);
        var booked = await provider.GetRequiredService<IPatientDataSource>().SearchAsync("Appointment", new Dictionary<string, string> { ["status"] = "booked" }, cancellationToken).ConfigureAwait(false);
        return booked.OfType<Appointment>()
            .Where(a => a.Start is { } start && start >= now && start <= horizon && a.Id is { Length: > 0 })
            .OrderBy(a => a.Start)
            .Select(a => new AudienceMember(a.Id!, new Dictionary<string, object?>
            {
                ["resource"] = new Dictionary<string, object?> { ["resourceType"] = "Appointment", ["id"] = a.Id, ["status"] = "booked" },
            }))
            .ToList();
    }

    private async Task ReportAsync(AudienceRun run, CampaignTally tally, long received, LatencyRecorder latency, TimeSpan elapsed, ResourceUse used, int rounds, ManualClock clock)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-6);
        var lines = new List<string>
        {
            $"journey: {settings.Journey}",
            $"method: {settings.Method}",
            $"db: {settings.Provider}",
            $"elapsed_seconds: {elapsed.TotalSeconds:F2}",
            $"timer_rounds: {rounds} (fake clock ended at {clock.GetUtcNow():yyyy-MM-ddTHH:mmZ})",
            $"entered: {run.Entered}",
            $"excluded_at_entry: {run.Excluded} (no consent; audited as consent.check denied)",
            $"messages: {tally.Total.Attempts}",
            $"sent: {tally.Total.Sent}",
            $"denied: {tally.Total.Denied}",
            $"blocked: {tally.Total.Blocked}",
            $"failed: {tally.Total.Failed}",
        };
        foreach (var step in tally.Steps)
        {
            lines.Add($"message_{step.Step}: attempts={step.Attempts} sent={step.Sent} denied={step.Denied} blocked={step.Blocked} failed={step.Failed}");
        }

        lines.Add($"smtp_received: {received}");
        lines.Add($"patients_per_second: {run.Position / seconds:F1} (audience members screened and entered)");
        lines.Add($"latency_p50_ms: {latency.Percentile(50):F1} (relay claim -> SMTP receipt, {latency.Count} messages)");
        lines.Add($"latency_p99_ms: {latency.Percentile(99):F1}");
        lines.Add($"peak_rss_mb: {PeakRssBytes() / (1024.0 * 1024.0):F0}");
        var sent = Math.Max(tally.Total.Sent, 1);
        lines.Add(used.Machine is { } machine
            ? $"cpu_ms_per_message: {used.Process.TotalMilliseconds / sent:F2} process, {machine.TotalMilliseconds / sent:F2} machine (process: this one, SMTP server included; machine: all cores' busy time, PostgreSQL included)"
            : $"cpu_ms_per_message: {used.Process.TotalMilliseconds / sent:F2} process (this one, SMTP server included)");
        lines.Add($"allocated_kb_per_message: {used.AllocatedBytes / 1024.0 / sent:F1} (this process; collections gen0 {used.Collections[0]}, gen1 {used.Collections[1]}, gen2 {used.Collections[2]})");
        // While the server GC collects, every thread of the process waits: the share of the run spent there is what work
        // held in flight (and promoted by each collection) costs.
        lines.Add($"gc_pause_ms: {used.GcPause.TotalMilliseconds:F0} ({100 * used.GcPause.TotalSeconds / seconds:F1}% of the measured time)");
        lines.Add($"messages_per_second: {tally.Total.Sent / seconds:F1}");
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }
    }

    private static long PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux: fall back below.
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    private static long CountLines(string file)
    {
        long count = 0;
        var buffer = new byte[1 << 16];
        using var stream = File.OpenRead(file);
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return count;
    }

    private static async Task ExecutePostgresAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
