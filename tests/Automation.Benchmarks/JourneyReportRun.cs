using System.Diagnostics;
using System.Globalization;
using Automation.Engine.Audit;
using Automation.Persistence;
using Automation.Server.Reports;

namespace Automation.Benchmarks;

/// <summary>
/// How long one journey's report takes when the audit log holds many journeys' campaigns: <c>messages</c> messages of the
/// reported journey among as many of each of <c>otherJourneys</c> other journeys, each queued and delivered (with its
/// policy decision), and one consent check per message, on a fresh SQLite file and a fresh PostgreSQL schema. Prints the records written and
/// the report's time (best and median of five builds after one warm-up).
/// </summary>
internal static class JourneyReportRun
{
    public static async Task RunAsync(int messages, int otherJourneys)
    {
        Console.WriteLine($"journey report: {messages:N0} messages of the reported journey, {otherJourneys * messages:N0} of {otherJourneys} other journeys");
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            var (connection, cleanup) = await BenchmarkDatabases.CreateAsync(provider, "report");
            try
            {
                await RunOneAsync(provider, connection, messages, otherJourneys);
            }
            finally
            {
                await cleanup();
            }
        }
    }

    private static async Task RunOneAsync(string provider, string connection, int messages, int otherJourneys)
    {
        var store = WorkflowStoreFactory.Create(provider, connection);
        await using var log = WorkflowStoreFactory.CreateAuditLog(provider, connection);
        await store.MigrateAsync();
        await log.MigrateAsync();
        var definition = BenchmarkWorkflows.TenSequential();
        await store.SaveDefinitionAsync(definition);

        var filling = Stopwatch.StartNew();
        var written = 0;
        var batch = new List<AuditEntry>(4_000);
        for (var n = 0; n < messages * (otherJourneys + 1); n++)
        {
            // Campaigns interleave in the log, as journeys running at once do.
            var journey = n % (otherJourneys + 1) == 0 ? definition.DefinitionId : "other-" + (n % (otherJourneys + 1));
            AddMessage(batch, journey, n);
            if (batch.Count >= 4_000)
            {
                written += (await log.AppendAsync(batch)).Count;
                batch.Clear();
            }
        }

        written += (await log.AppendAsync(batch)).Count;
        Console.WriteLine($"{provider,-8} {written:N0} audit records written in {filling.Elapsed.TotalSeconds:N1} s");

        var reports = new JourneyReportBuilder(store, log);
        var first = await reports.BuildAsync(definition.DefinitionId, CancellationToken.None) ?? throw new InvalidOperationException("The report found no journey.");
        var delivered = first.Funnel.Single(s => s.Stage == "delivered").Count;
        if (delivered != messages)
        {
            throw new InvalidOperationException($"The report counted {delivered} delivered messages, not {messages}.");
        }

        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await reports.BuildAsync(definition.DefinitionId, CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{provider,-8} report of {messages:N0} delivered messages: best {times[0]:N0} ms, median {times[2]:N0} ms"));
    }

    // As a journey's send writes them (policy decision and queued, under the journey's actor), then the relay (delivered,
    // with the recipient's domain), and a consent check before them.
    private static void AddMessage(List<AuditEntry> batch, string journey, int n)
    {
        var actor = AuditActors.Workflow(journey);
        var instance = "instance-" + n.ToString(CultureInfo.InvariantCulture);
        var message = "message-" + n.ToString(CultureInfo.InvariantCulture);
        const string patientHash = "0123456789abcdef0123456789abcdef";
        batch.Add(new AuditEntry { Action = AuditActions.ConsentCheck, Actor = actor, Result = "granted", InstanceId = instance, PatientHash = patientHash });
        batch.Add(new AuditEntry { Action = AuditActions.PolicyDecision, Actor = actor, Result = "allowed", InstanceId = instance, MessageId = message, PatientHash = patientHash, Policy = "default", Method = "smime" });
        batch.Add(new AuditEntry { Action = AuditActions.MessageQueued, Actor = actor, Result = "queued", InstanceId = instance, MessageId = message, PatientHash = patientHash, Method = "smime" });
        batch.Add(new AuditEntry
        {
            Action = AuditActions.MessageDelivered, Actor = "system:outbox", Result = "delivered", InstanceId = instance, MessageId = message, Method = "smime",
            Details = new Dictionary<string, string> { ["recipientDomain"] = "example" + (n % 7).ToString(CultureInfo.InvariantCulture) + ".org" },
        });
    }
}
