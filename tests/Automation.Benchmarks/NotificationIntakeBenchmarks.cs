using BenchmarkDotNet.Attributes;

namespace Automation.Benchmarks;

/// <summary>
/// FHIR notification intake: one Backport event-notification (full-resource Appointment) posted to
/// <c>/fhir/subscriptions/ehr</c> and acknowledged after the durable inbox write (SQLite), with the processor running
/// in the same process. Reported per notification; target >= 2,000 accepted notifications/s.
/// </summary>
[MemoryDiagnoser]
public class NotificationIntakeBenchmarks
{
    private const int Batch = 200;

    private BenchmarkServer server = null!;
    private HttpClient client = null!;
    private long eventNumber;

    /// <summary>Notifications in flight at once: 1 (one sender, request after request) or 8 (a FHIR server's
    /// delivery workers in parallel; their inbox writes share transactions).</summary>
    [Params(1, 8)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        server = new BenchmarkServer(Directory.CreateTempSubdirectory("automation-bench-intake-").FullName);
        client = server.CreateClient();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        server.Dispose();
    }

    [Benchmark(Description = "accept one FHIR event notification", OperationsPerInvoke = Batch)]
    public async Task Accept()
    {
        var remaining = Batch;
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var number = Interlocked.Increment(ref eventNumber);
                await BenchmarkServer.PostEventAsync(client, number, "a" + number);
            }
        }));
    }
}
