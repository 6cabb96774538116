using System.Text;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Automation.Benchmarks;

/// <summary>The real server in process, on a temporary data folder, with the <c>ehr</c> subscription configured; and
/// the Backport event notification both notification benchmarks post.</summary>
internal sealed class BenchmarkServer : WebApplicationFactory<AutomationServerOptions>
{
    public const string Secret = "bench-secret";

    private readonly string data;

    public BenchmarkServer(string data)
    {
        this.data = data;

        // The server's content root; WebApplicationFactory otherwise guesses it from the solution layout.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AUTOMATION_SERVER", data);
    }

    /// <summary>Posts one event notification about a booked <c>Appointment/&lt;id&gt;</c> and fails unless it is accepted.</summary>
    public static async Task PostEventAsync(HttpClient client, long number, string id)
    {
        var body = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":[{\"fullUrl\":\"urn:uuid:s\",\"resource\":{\"resourceType\":\"Parameters\",\"parameter\":["
            + "{\"name\":\"status\",\"valueCode\":\"active\"},{\"name\":\"type\",\"valueCode\":\"event-notification\"},"
            + "{\"name\":\"notification-event\",\"part\":[{\"name\":\"event-number\",\"valueString\":\"" + number + "\"},"
            + "{\"name\":\"focus\",\"valueReference\":{\"reference\":\"Appointment/" + id + "\"}}]}]}},"
            + "{\"fullUrl\":\"Appointment/" + id + "\",\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"" + id + "\",\"status\":\"booked\","
            + "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}}]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/subscriptions/ehr") { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Secret);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Automation:DataPath", data);
        builder.UseSetting("Automation:WorkflowsPath", Path.Combine(data, "workflows"));
        builder.UseSetting("Automation:Demo:Enabled", "false");
        builder.UseSetting("Automation:PublicBaseUrl", "https://automation.example.test"); // the portal refuses to start without it
        builder.UseSetting("Automation:PluginsPath", Path.Combine(data, "plugins"));
        builder.UseSetting("Fhir:Subscriptions:ehr:Secret", Secret);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
