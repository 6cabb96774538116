using System.Diagnostics;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Benchmarks;

/// <summary>
/// End-to-end latency from a FHIR notification being received to its journey instance being started (committed), at a
/// fixed rate, with a published journey whose first activity is the subscription trigger. Prints p50, p99 and max.
/// Target: p99 &lt;= 100 ms at 200 notifications/s.
/// </summary>
internal static class NotificationLatencyRun
{
    private const string Journey = """
        {"definitionId":"latency","root":{"type":"Elsa.Flowchart","activities":[
          {"id":"trigger","type":"Healthcare.FhirSubscriptionTrigger",
           "subscription":{"typeName":"String","expression":{"type":"Literal","value":"ehr"}},
           "resourceType":{"typeName":"String","expression":{"type":"Literal","value":"Appointment"}},
           "filter":{"typeName":"String","expression":{"type":"Literal","value":"status=booked"}}},
          {"id":"note","type":"Elsa.SetVariable","variable":{"id":"v","name":"seen"},"value":{"typeName":"Object","expression":{"type":"JavaScript","value":"return outputs.trigger.Resource.id;"}}}],
         "variables":[],
         "connections":[{"source":{"activity":"trigger","port":"Done"},"target":{"activity":"note","port":"In"}}]},
         "variables":[{"id":"v","name":"seen","typeName":"String"}]}
        """;

    public static async Task RunAsync(int rate, int seconds)
    {
        var data = Directory.CreateTempSubdirectory("automation-latency-").FullName;
        Directory.CreateDirectory(Path.Combine(data, "workflows"));
        await File.WriteAllTextAsync(Path.Combine(data, "workflows", "latency.json"), Journey);
        await using var server = new BenchmarkServer(data);
        using var client = server.CreateClient();
        var store = server.Services.GetRequiredService<IWorkflowStore>();

        // Warm-up, not measured: the first notifications pay for JIT, the journey's first compile and the connection
        // pools (several hundred ms); the target is about the steady state.
        const int WarmUp = 50;
        for (var i = 1; i <= WarmUp; i++)
        {
            await BenchmarkServer.PostEventAsync(client, i, "warm" + i);
        }

        for (var i = 0; i < 100 && (await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "latency", Take = 1 })).TotalCount < WarmUp; i++)
        {
            await Task.Delay(100);
        }

        var sent = new Dictionary<string, DateTimeOffset>();
        var total = rate * seconds;
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>();
        for (var i = 1; i <= total; i++)
        {
            var due = TimeSpan.FromSeconds((double)(i - 1) / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var id = "a" + i;
            lock (sent)
            {
                sent["Appointment/" + id] = DateTimeOffset.UtcNow;
            }

            sends.Add(BenchmarkServer.PostEventAsync(client, WarmUp + i, id));
        }

        await Task.WhenAll(sends);
        InstancePage page = new([], 0);
        for (var i = 0; i < 100 && page.TotalCount < total + WarmUp; i++)
        {
            await Task.Delay(200);
            page = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "latency", Take = total + WarmUp });
        }

        var latencies = page.Items.Where(x => x.CorrelationId is not null && sent.ContainsKey(x.CorrelationId))
            .Select(x => (x.CreatedAt - sent[x.CorrelationId!]).TotalMilliseconds).Order().ToList();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        Console.WriteLine($"notification-latency: {total} notifications at {rate}/s over {seconds} s (after {WarmUp} warm-up ones); journeys started: {latencies.Count}");
        Console.WriteLine($"  received -> journey started: p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms, max {latencies.LastOrDefault():F1} ms");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
