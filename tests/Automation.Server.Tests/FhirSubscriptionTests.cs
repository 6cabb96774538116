using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>The FHIR rest-hook endpoint, the durable inbox and the subscription trigger, end to end.</summary>
public sealed class FhirSubscriptionTests : IAsyncLifetime
{
    private const string Journey = """
        {"definitionId":"booked-appointment","name":"Booked appointment","root":{"type":"Elsa.Flowchart","activities":[
          {"id":"trigger","type":"Healthcare.FhirSubscriptionTrigger",
           "subscription":{"typeName":"String","expression":{"type":"Literal","value":"ehr"}},
           "resourceType":{"typeName":"String","expression":{"type":"Literal","value":"Appointment"}},
           "filter":{"typeName":"String","expression":{"type":"Literal","value":"status=booked"}}},
          {"id":"say","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"JavaScript","value":"return 'journey for ' + outputs.trigger.Resource.id;"}}}],
         "connections":[{"source":{"activity":"trigger","port":"Done"},"target":{"activity":"say","port":"In"}}]}}
        """;

    private readonly string data = Directory.CreateTempSubdirectory("automation-fhir-sub-").FullName;
    private readonly StringWriter console = new();
    private ServerFactory server = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var workflows = Directory.CreateDirectory(Path.Combine(data, "workflows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workflows, "booked.json"), Journey);
        var patients = Directory.CreateDirectory(Path.Combine(data, "fhir")).FullName;
        await File.WriteAllTextAsync(Path.Combine(patients, "Appointment.ndjson"), Appointment("a9", "booked") + "\n");
        server = new ServerFactory(data, workflows, console, new Dictionary<string, string>
        {
            ["Fhir:Directory"] = patients,
            ["Fhir:Subscriptions:ehr:Secret"] = "ehr-secret",
            ["Fhir:Subscriptions:signed:Secret"] = "signed-secret",
            ["Fhir:Subscriptions:signed:HmacSecret"] = "hmac-key",
        });
        client = server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    private static string Appointment(string id, string status) =>
        $$"""{"resourceType":"Appointment","id":"{{id}}","status":"{{status}}","participant":[{"actor":{"reference":"Patient/p1"},"status":"accepted"}]}""";

    private static string Backport(string type, params (long Number, string? Focus, string? Resource)[] events)
    {
        var parts = new List<string>
        {
            """{"name":"subscription","valueReference":{"reference":"Subscription/ehr"}}""",
            """{"name":"topic","valueCanonical":"http://example.org/SubscriptionTopic/appointment"}""",
            """{"name":"status","valueCode":"active"}""",
            $$"""{"name":"type","valueCode":"{{type}}"}""",
        };
        parts.AddRange(events.Select(e =>
            "{\"name\":\"notification-event\",\"part\":[{\"name\":\"event-number\",\"valueString\":\"" + e.Number + "\"}"
            + (e.Focus is null ? "" : ",{\"name\":\"focus\",\"valueReference\":{\"reference\":\"https://ehr.example.org/fhir/" + e.Focus + "\"}}")
            + "]}"));
        var entries = new List<string> { "{\"fullUrl\":\"urn:uuid:status\",\"resource\":{\"resourceType\":\"Parameters\",\"parameter\":[" + string.Join(",", parts) + "]}}" };
        entries.AddRange(events.Where(e => e.Resource is not null).Select(e => "{\"fullUrl\":\"https://ehr.example.org/fhir/" + e.Focus + "\",\"resource\":" + e.Resource + "}"));
        return $$"""{"resourceType":"Bundle","type":"history","entry":[{{string.Join(",", entries)}}]}""";
    }

    private async Task<HttpResponseMessage> PostAsync(string subscription, string body, string secret = "ehr-secret", string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/fhir/subscriptions/{subscription}") { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + secret);
        if (signature is not null)
        {
            request.Headers.Add("X-Signature", signature);
        }

        return await client.SendAsync(request);
    }

    private async Task<List<InstanceSummary>> InstancesAsync(int expected)
    {
        var store = server.Services.GetRequiredService<IWorkflowStore>();
        List<InstanceSummary> items = [];
        for (var i = 0; i < 50; i++)
        {
            items = (await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "booked-appointment" })).Items.ToList();
            if (items.Count >= expected && items.All(x => x.Status == WorkflowStatus.Finished))
            {
                break;
            }

            await Task.Delay(100);
        }

        return items;
    }

    [Fact]
    public async Task Handshake_RecordsTheSubscriptionStatus()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("ehr", Backport("handshake"))).StatusCode);

        var admin = await server.SignedInClientAsync();
        var states = await admin.GetFromJsonAsync<JsonElement>("/api/fhir/subscriptions");
        var ehr = states.EnumerateArray().Single(s => s.GetProperty("subscription").GetString() == "ehr");
        Assert.Equal("active", ehr.GetProperty("status").GetString());
        Assert.Equal("http://example.org/SubscriptionTopic/appointment", ehr.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task EventNotification_FullResource_StartsExactlyOneJourneyAndIgnoresTheReplay()
    {
        var body = Backport("event-notification", (1, "Appointment/a1", Appointment("a1", "booked")));

        var first = await PostAsync("ehr", body);
        var replay = await PostAsync("ehr", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.Equal(0, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        var instance = Assert.Single(await InstancesAsync(1));
        Assert.Equal("Appointment/a1", instance.CorrelationId);
        Assert.Equal(WorkflowStatus.Finished, instance.Status);
        await Task.Delay(300);
        Assert.Single(await InstancesAsync(1));
        Assert.Equal(1, console.ToString().Split('\n').Count(l => l.Trim() == "journey for a1"));
    }

    [Fact]
    public async Task ConcurrentNotifications_AreAllAcceptedOnce_WithoutGaps()
    {
        // Sent at once, they are written in shared (group-committed) transactions; every sender still gets its own receipt.
        const int Count = 30;
        var responses = await Task.WhenAll(Enumerable.Range(1, Count).Select(n =>
            PostAsync("ehr", Backport("event-notification", (n, $"Appointment/c{n}", Appointment($"c{n}", "booked"))))));

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        }

        var admin = await server.SignedInClientAsync();
        var states = await admin.GetFromJsonAsync<JsonElement>("/api/fhir/subscriptions");
        var ehr = states.EnumerateArray().Single(s => s.GetProperty("subscription").GetString() == "ehr");
        Assert.Equal(Count, ehr.GetProperty("lastEventNumber").GetInt64());
        Assert.Equal("", ehr.GetProperty("gaps").GetString());
        Assert.Equal(Count, (await InstancesAsync(Count)).Select(i => i.CorrelationId).Distinct().Count());
    }

    [Fact]
    public async Task EventNotification_IdOnly_ReReadsTheFocusFromTheSource()
    {
        var response = await PostAsync("ehr", Backport("event-notification", (1, "Appointment/a9", null)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Appointment/a9", Assert.Single(await InstancesAsync(1)).CorrelationId);
    }

    [Fact]
    public async Task EventNotification_ResourceNotMatchingTheFilter_StartsNothing()
    {
        await PostAsync("ehr", Backport("event-notification", (1, "Appointment/a2", Appointment("a2", "cancelled"))));
        await PostAsync("ehr", Backport("event-notification", (2, "Appointment/a3", Appointment("a3", "booked"))));

        var instance = Assert.Single(await InstancesAsync(1));
        Assert.Equal("Appointment/a3", instance.CorrelationId);
    }

    [Fact]
    public async Task MissingEventNumbers_AreRecordedAsGaps()
    {
        await PostAsync("ehr", Backport("event-notification", (1, "Appointment/a1", Appointment("a1", "booked"))));
        await PostAsync("ehr", Backport("event-notification", (4, "Appointment/a4", Appointment("a4", "booked"))));

        var admin = await server.SignedInClientAsync();
        var states = await admin.GetFromJsonAsync<JsonElement>("/api/fhir/subscriptions");
        var ehr = states.EnumerateArray().Single(s => s.GetProperty("subscription").GetString() == "ehr");
        Assert.Equal("2-3", ehr.GetProperty("gaps").GetString());
        Assert.Equal(4, ehr.GetProperty("lastEventNumber").GetInt64());

        // Event 2 arrives late: it is no longer missing.
        await PostAsync("ehr", Backport("event-notification", (2, "Appointment/a2", Appointment("a2", "booked"))));
        states = await admin.GetFromJsonAsync<JsonElement>("/api/fhir/subscriptions");
        Assert.Equal("3", states.EnumerateArray().Single(s => s.GetProperty("subscription").GetString() == "ehr").GetProperty("gaps").GetString());
    }

    [Fact]
    public async Task Credentials_WrongSecretOrHmac_Are401AndNothingIsQueued()
    {
        var body = Backport("event-notification", (1, "Appointment/a1", Appointment("a1", "booked")));
        var goodHmac = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("hmac-key"), Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("ehr", body, secret: "guess")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("signed", body, secret: "signed-secret", signature: "sha256=00")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("signed", body, secret: "signed-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("signed", body, secret: "signed-secret", signature: goodHmac)).StatusCode);
        await Task.Delay(300);
        Assert.Empty(await InstancesAsync(0));
    }

    [Fact]
    public async Task BadInput_UnknownSubscriptionMalformedBodyAndMissingEventNumber_AreProblems()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("nope", Backport("handshake"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("ehr", "{not json")).StatusCode);
        var noNumber = Backport("event-notification", (1, "Appointment/a1", null)).Replace("""{"name":"event-number","valueString":"1"}""", """{"name":"timestamp","valueInstant":"2026-11-27T08:00:00Z"}""", StringComparison.Ordinal);
        var response = await PostAsync("ehr", noNumber);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("event-number", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClassicRestHook_EmptyPingThenResource_StartsOneJourneyPerVersion()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("ehr", "")).StatusCode);
        var versioned = """{"resourceType":"Appointment","id":"a5","meta":{"versionId":"3"},"status":"booked","participant":[{"actor":{"reference":"Patient/p1"},"status":"accepted"}]}""";

        await PostAsync("ehr", versioned);
        await PostAsync("ehr", versioned);

        Assert.Equal("Appointment/a5", Assert.Single(await InstancesAsync(1)).CorrelationId);
    }

    [Fact]
    public async Task WaitingJourney_IsResumedByTheNextNotificationAboutItsResourceOnly()
    {
        const string waiting = """
            {"definitionId":"waits-for-change","root":{"type":"Elsa.Flowchart","activities":[
              {"id":"trigger","type":"Healthcare.FhirSubscriptionTrigger",
               "subscription":{"typeName":"String","expression":{"type":"Literal","value":"ehr"}},
               "resourceType":{"typeName":"String","expression":{"type":"Literal","value":"Encounter"}},
               "filter":{"typeName":"String","expression":{"type":"Literal","value":"status=planned"}}},
              {"id":"wait","type":"Healthcare.WaitForFhirNotification",
               "subscription":{"typeName":"String","expression":{"type":"Literal","value":"ehr"}},
               "resourceType":{"typeName":"String","expression":{"type":"Literal","value":"Encounter"}}},
              {"id":"say","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"JavaScript","value":"return 'encounter now ' + outputs.wait.Resource.status;"}}}],
             "connections":[{"source":{"activity":"trigger","port":"Done"},"target":{"activity":"wait","port":"In"}},
                            {"source":{"activity":"wait","port":"Done"},"target":{"activity":"say","port":"In"}}]}}
            """;
        var admin = await server.SignedInClientAsync();
        (await admin.PostAsync("/elsa/api/workflow-definitions", new StringContent("{\"model\":" + waiting + ",\"publish\":true}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        static string Encounter(string id, string status) => "{\"resourceType\":\"Encounter\",\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/p1\"}}";
        var store = server.Services.GetRequiredService<IWorkflowStore>();

        await PostAsync("ehr", Backport("event-notification", (1, "Encounter/e1", Encounter("e1", "planned"))));
        InstancePage page = new([], 0);
        for (var i = 0; i < 50 && page.Items.FirstOrDefault()?.Status != WorkflowStatus.Suspended; i++)
        {
            await Task.Delay(100);
            page = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "waits-for-change" });
        }

        Assert.Equal(WorkflowStatus.Suspended, Assert.Single(page.Items).Status);
        await PostAsync("ehr", Backport("event-notification", (2, "Encounter/e2", Encounter("e2", "planned"))));
        await PostAsync("ehr", Backport("event-notification", (3, "Encounter/e1", Encounter("e1", "finished"))));
        IReadOnlyList<InstanceSummary> instances = [];
        for (var i = 0; i < 100; i++)
        {
            instances = (await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "waits-for-change" })).Items;
            if (console.ToString().Contains("encounter now finished", StringComparison.Ordinal) && instances.Any(x => x.CorrelationId == "Encounter/e2"))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(WorkflowStatus.Finished, instances.Single(x => x.CorrelationId == "Encounter/e1").Status);
        Assert.Equal(WorkflowStatus.Suspended, instances.Single(x => x.CorrelationId == "Encounter/e2").Status);
        Assert.Equal(1, console.ToString().Split('\n').Count(l => l.Trim() == "encounter now finished"));
    }
}
