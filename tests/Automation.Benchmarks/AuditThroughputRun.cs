using System.Diagnostics;
using Automation.Engine.Audit;
using Automation.Persistence;

namespace Automation.Benchmarks;

/// <summary>
/// Audit log append throughput with group commit: <c>callers</c> concurrent tasks each append one record at a time
/// (awaiting durability) for <c>seconds</c>, on a fresh SQLite file and a fresh PostgreSQL schema. Prints records/s,
/// append latency p50/p99, and how long verifying the whole chain takes. Target: thousands of records/s on both.
/// PostgreSQL: AUTOMATION_TEST_POSTGRES or the local test database.
/// </summary>
internal static class AuditThroughputRun
{
    public static async Task RunAsync(int callers, int seconds)
    {
        Console.WriteLine($"audit append: {callers} concurrent callers, {seconds} s per run, one record per call, durable on return");
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var concurrency in new[] { 1, callers })
            {
                await RunOneAsync(provider, concurrency, seconds);
            }
        }
    }

    private static async Task RunOneAsync(string provider, int callers, int seconds)
    {
        var (connection, cleanup) = await BenchmarkDatabases.CreateAsync(provider, "audit");
        try
        {
            await using var log = WorkflowStoreFactory.CreateAuditLog(provider, connection);
            await log.MigrateAsync();
            var latencies = new List<double>[callers];
            var stop = Stopwatch.StartNew();
            var duration = TimeSpan.FromSeconds(seconds);
            await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
            {
                var mine = latencies[caller] = [];
                var n = 0;
                while (stop.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    await log.AppendAsync(Entry(caller, n++));
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }));
            var elapsed = stop.Elapsed.TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToList();
            var verify = Stopwatch.StartNew();
            var result = await log.VerifyAsync();
            Console.WriteLine(
                $"{provider,-8} callers={callers,4}  {all.Count / elapsed,9:N0} records/s  p50={Percentile(all, 0.50),7:N2} ms  p99={Percentile(all, 0.99),7:N2} ms  " +
                $"verify {result.RecordsChecked:N0} records in {verify.Elapsed.TotalSeconds:N2} s ({(result.IsValid ? "ok" : "BROKEN")})");
        }
        finally
        {
            await cleanup();
        }
    }

    private static AuditEntry Entry(int caller, int n) => new()
    {
        Action = AuditActions.MessageDelivered,
        Actor = "workflow:reminder",
        Result = "sent",
        InstanceId = $"wf-{caller}-{n}",
        MessageId = $"msg-{caller}-{n}",
        PatientHash = "0123456789abcdef0123456789abcdef",
        Policy = "phi-default",
        Method = "smime",
        TlsProtocol = "Tls13",
        TlsCipher = "TLS_AES_256_GCM_SHA384",
        Details = new Dictionary<string, string> { ["domain"] = "hospital.test" },
    };

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
