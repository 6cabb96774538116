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
        for (var i = 0; i < Batch; i++)
        {
            var number = Interlocked.Increment(ref eventNumber);
            await BenchmarkServer.PostEventAsync(client, number, "a" + number);
        }
    }
}
