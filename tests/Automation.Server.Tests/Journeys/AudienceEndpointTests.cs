using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.Journeys;

public sealed class AudienceEndpointTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-audience-").FullName;
    private readonly string workflows = Directory.CreateTempSubdirectory("automation-audience-workflows-").FullName;

    public AudienceEndpointTests()
    {
        var patients = Directory.CreateDirectory(Path.Combine(data, "patients")).FullName;
        File.WriteAllLines(Path.Combine(patients, "Patient.ndjson"),
        [
            """{"resourceType":"Patient","id":"adult-1","birthDate":"1960-01-01"}""",
            """{"resourceType":"Patient","id":"child-1","birthDate":"2020-01-01"}""",
            """{"resourceType":"Patient","id":"adult-2","birthDate":"1980-06-01"}""",
            """{"resourceType":"Patient","id":"adult-3","birthDate":"1990-06-01"}""",
        ]);
        Directory.CreateDirectory(Path.Combine(workflows, "segments"));
        File.WriteAllText(Path.Combine(workflows, "segments", "adults.json"), """{ "id": "adults", "name": "Adults", "rules": { "age": { "min": 18 } } }""");
        File.WriteAllText(Path.Combine(workflows, "outreach.json"), Journey().ToJsonString());
    }

    public void Dispose()
    {
        foreach (var folder in new[] { data, workflows })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    [Fact]
    public async Task AudienceEntry_EntersTheSegmentsMembers_ShowsProgress_AndASecondRunSkipsThoseStillInTheJourney()
    {
        await using var server = new ServerFactory(data, workflows, new StringWriter());
        var client = await server.SignedInClientAsync("designer");

        var first = await StartAsync(client, "adults");
        var run = await WaitAsync(client, first);
        Assert.Equal(("completed", 3, 0), (run.GetProperty("status").GetString(), run.GetProperty("entered").GetInt32(), run.GetProperty("skipped").GetInt32()));
        var instances = await server.Services.GetRequiredService<IWorkflowStore>().ListInstancesAsync(new InstanceQuery { DefinitionId = "outreach" });
        Assert.Equal(["adult-1", "adult-2", "adult-3"], instances.Items.Select(i => i.CorrelationId).Order());

        var second = await WaitAsync(client, await StartAsync(client, "adults"));
        Assert.Equal((0, 3), (second.GetProperty("entered").GetInt32(), second.GetProperty("skipped").GetInt32()));
        var runs = await client.GetFromJsonAsync<JsonElement>("/api/journeys/outreach/audience-runs");
        Assert.Equal(2, runs.GetArrayLength());
    }

    [Fact]
    public async Task AudienceEntry_UnknownSegmentOrUnpublishedJourney_IsAProblemNamingTheField()
    {
        await using var server = new ServerFactory(data, workflows, new StringWriter());
        var client = await server.SignedInClientAsync("designer");

        var unknown = await client.PostAsJsonAsync("/api/journeys/outreach/audience", new { segment = "no-such-segment" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("segment", out _));

        var journey = await client.PostAsJsonAsync("/api/journeys/no-such-journey/audience", new { segment = "adults" });
        Assert.Equal(HttpStatusCode.NotFound, journey.StatusCode);
        Assert.Equal("definitionId", (await journey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await server.SignedInClientAsync("auditor")).PostAsJsonAsync("/api/journeys/outreach/audience", new { segment = "adults" })).StatusCode);
    }

    private static async Task<string> StartAsync(HttpClient client, string segment)
    {
        var response = await client.PostAsJsonAsync("/api/journeys/outreach/audience", new { segment });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // The run is on record before the answer: its address answers at once.
        var run = await client.GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Contains(run.GetProperty("status").GetString(), new[] { "running", "completed" });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetAsync("/api/audience-runs/" + Uri.EscapeDataString(runId));
            if (response.IsSuccessStatusCode)
            {
                var run = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (run.GetProperty("status").GetString() == "completed" || DateTime.UtcNow > deadline)
                {
                    return run;
                }
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The audience run never appeared.");
            }

            await Task.Delay(100);
        }
    }

    private static JsonObject Journey() => new()
    {
        ["definitionId"] = "outreach",
        ["name"] = "Outreach (test)",
        ["root"] = new JsonObject
        {
            ["type"] = "Elsa.Flowchart",
            ["id"] = "root",
            ["activities"] = new JsonArray(
                new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 },
                new JsonObject
                {
                    ["id"] = "wait", ["type"] = "Elsa.Event", ["version"] = 1,
                    ["eventName"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "engaged" } },
                }),
            ["connections"] = new JsonArray(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = "start", ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = "wait", ["port"] = "In" },
            }),
        },
    };
}
