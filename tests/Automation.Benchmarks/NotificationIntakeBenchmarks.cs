using System.Text;
using Automation.Server.Hosting;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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

    private IntakeServer server = null!;
    private HttpClient client = null!;
    private long eventNumber;

    [GlobalSetup]
    public void Setup()
    {
        server = new IntakeServer(Directory.CreateTempSubdirectory("automation-bench-intake-").FullName);
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
            var body = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":[{\"fullUrl\":\"urn:uuid:s\",\"resource\":{\"resourceType\":\"Parameters\",\"parameter\":["
                + "{\"name\":\"status\",\"valueCode\":\"active\"},{\"name\":\"type\",\"valueCode\":\"event-notification\"},"
                + "{\"name\":\"notification-event\",\"part\":[{\"name\":\"event-number\",\"valueString\":\"" + number + "\"},"
                + "{\"name\":\"focus\",\"valueReference\":{\"reference\":\"Appointment/a" + number + "\"}}]}]}},"
                + "{\"fullUrl\":\"Appointment/a" + number + "\",\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a" + number + "\",\"status\":\"booked\","
                + "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}}]}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/subscriptions/ehr") { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer bench-secret");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }

    private sealed class IntakeServer(string data) : WebApplicationFactory<AutomationServerOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Automation:DataPath", data);
            builder.UseSetting("Automation:WorkflowsPath", Path.Combine(data, "workflows"));
            builder.UseSetting("Automation:PluginsPath", Path.Combine(data, "plugins"));
            builder.UseSetting("Fhir:Subscriptions:ehr:Secret", "bench-secret");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
