using System.Net;
using System.Text.Json.Nodes;

namespace Automation.Server.Tests.ElsaApi;

public sealed class InstanceEndpointTests : IDisposable
{
    private static readonly string[] RanNodes = ["start1", "fetch1", "consent1", "send1", "end1"];
    private readonly ElsaApiServer server = new();
    private readonly HttpClient designer;

    public InstanceEndpointTests() => designer = server.Client("designer");

    public void Dispose() => server.Dispose();

    private static JsonObject WaitForEvent(string definitionId) => new()
    {
        ["model"] = new JsonObject
        {
            ["definitionId"] = definitionId,
            ["name"] = "Wait for event",
            ["variables"] = new JsonArray(new JsonObject { ["id"] = "v1", ["name"] = "Greeting", ["typeName"] = "String", ["value"] = "hi" }),
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["id"] = "root",
                ["activities"] = new JsonArray(
                    new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 },
                    new JsonObject
                    {
                        ["id"] = "wait", ["type"] = "Elsa.Event", ["version"] = 1,
                        ["eventName"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "go" } },
                    }),
                ["connections"] = new JsonArray(new JsonObject
                {
                    ["source"] = new JsonObject { ["activity"] = "start", ["port"] = "Done" },
                    ["target"] = new JsonObject { ["activity"] = "wait", ["port"] = "In" },
                }),
            },
        },
        ["publish"] = false,
    };

    [Fact]
    public async Task Execute_ReturnsInstanceIdHeader_AndTheInstanceShowsWithJournalExecutionsAndStats()
    {
        await designer.PostJsonAsync("workflow-definitions", ElsaApiServer.Fixture("captured-final-publish-body.json"));

        var response = await designer.PostAsync("workflow-definitions/hc-demo-1/execute",
            System.Net.Http.Json.JsonContent.Create(ElsaApiServer.Fixture("captured-final-execute-body.json")));
        var body = await response.JsonAsync();

        var instanceId = Assert.Single(response.Headers.GetValues("x-elsa-workflow-instance-id"));
        Assert.Equal(instanceId, body["workflowState"]!["id"]!.GetValue<string>());
        Assert.Equal("Finished", body["workflowState"]!["status"]!.GetValue<string>());
        Assert.Equal("Finished", body["workflowState"]!["subStatus"]!.GetValue<string>());

        var list = await designer.PostJsonAsync("workflow-instances", new JsonObject { ["definitionId"] = "hc-demo-1", ["page"] = 0, ["pageSize"] = 10 });
        var row = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal(instanceId, row["id"]!.GetValue<string>());
        Assert.Equal("Flu shot outreach (HIPAA)", row["name"]!.GetValue<string>());
        Assert.Equal(1, list["totalCount"]!.GetValue<int>());

        var instance = await designer.GetJsonAsync($"workflow-instances/{instanceId}");
        Assert.Equal("Finished", instance["status"]!.GetValue<string>());
        Assert.Equal("hc-demo-1", instance["workflowState"]!["definitionId"]!.GetValue<string>());
        var versionId = instance["definitionVersionId"]!.GetValue<string>();
        await designer.GetJsonAsync($"workflow-definitions/by-id/{versionId}");

        var journal = await designer.PostJsonAsync($"workflow-instances/{instanceId}/journal?skip=0&take=100", new JsonObject { ["filter"] = new JsonObject() });
        var events = journal["items"]!.AsArray().Select(i => (i!["activityId"]!.GetValue<string>(), i["eventName"]!.GetValue<string>())).ToList();
        Assert.Equal(RanNodes.SelectMany(id => new[] { (id, "Started"), (id, "Completed") }), events);
        Assert.Equal(10, journal["totalCount"]!.GetValue<int>());
        var consentOnly = await designer.PostJsonAsync($"workflow-instances/{instanceId}/journal?skip=0&take=100",
            new JsonObject { ["filter"] = new JsonObject { ["activityNodeIds"] = new JsonArray("Workflow1:root:consent1") } });
        Assert.Equal(2, consentOnly["totalCount"]!.GetValue<int>());
        Assert.Equal("Granted", consentOnly["items"]![1]!["payload"]!["outcomes"]![0]!.GetValue<string>());
        var paged = await designer.PostJsonAsync($"workflow-instances/{instanceId}/journal?skip=8&take=5", new JsonObject());
        Assert.Equal(2, paged["items"]!.AsArray().Count);

        var executions = await designer.GetJsonAsync($"activity-executions/list?WorkflowInstanceId={instanceId}&ActivityNodeId=Workflow1:root:send1");
        var send = Assert.Single(executions["items"]!.AsArray())!;
        Assert.Equal("Completed", send["status"]!.GetValue<string>());
        Assert.Equal("Healthcare.SecureSend", send["activityType"]!.GetValue<string>());
        Assert.Equal("SecureSend1", send["activityName"]!.GetValue<string>());
        var summaries = await designer.GetJsonAsync($"activity-execution-summaries/list?WorkflowInstanceId={instanceId}");
        Assert.Equal(5, summaries["count"]!.GetValue<int>());

        var allNodes = new JsonArray(RanNodes.Append("319420afabbed191").Select(id => (JsonNode)("Workflow1:root:" + id)).ToArray());
        var report = await designer.PostJsonAsync("activity-executions/report", new JsonObject { ["workflowInstanceId"] = instanceId, ["activityNodeIds"] = allNodes });
        var stats = report["stats"]!.AsArray();
        Assert.Equal(5, stats.Count);
        Assert.All(stats, s =>
        {
            Assert.Equal(1, s!["startedCount"]!.GetValue<int>());
            Assert.Equal(1, s["completedCount"]!.GetValue<int>());
            Assert.Equal(0, s["uncompletedCount"]!.GetValue<int>());
            Assert.False(s["isBlocked"]!.GetValue<bool>());
            Assert.False(s["isFaulted"]!.GetValue<bool>());
        });
        Assert.DoesNotContain(stats, s => s!["activityId"]!.GetValue<string>() == "319420afabbed191");

        var state = await designer.GetJsonAsync($"workflow-instances/{instanceId}/execution-state");
        Assert.Equal("Finished", state["workflowSubStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecuteLatestDraft_Suspends_ThenCancelAndDelete()
    {
        await designer.PostJsonAsync("workflow-definitions", WaitForEvent("wait-1"));

        var response = await designer.PostAsync("workflow-definitions/wait-1/execute",
            System.Net.Http.Json.JsonContent.Create(new JsonObject { ["versionOptions"] = "Latest", ["correlationId"] = "patient-42" }));
        await response.JsonAsync();
        var instanceId = Assert.Single(response.Headers.GetValues("x-elsa-workflow-instance-id"));

        var instance = await designer.GetJsonAsync($"workflow-instances/{instanceId}");
        Assert.Equal("Running", instance["status"]!.GetValue<string>());
        Assert.Equal("Suspended", instance["subStatus"]!.GetValue<string>());
        Assert.Equal("patient-42", instance["correlationId"]!.GetValue<string>());
        Assert.Single(instance["workflowState"]!["bookmarks"]!.AsArray());

        var report = await designer.PostJsonAsync("activity-executions/report", new JsonObject { ["workflowInstanceId"] = instanceId, ["activityNodeIds"] = new JsonArray("Workflow1:root:wait") });
        var wait = Assert.Single(report["stats"]!.AsArray())!;
        Assert.True(wait["isBlocked"]!.GetValue<bool>());
        Assert.Equal(1, wait["uncompletedCount"]!.GetValue<int>());

        var variables = await designer.GetJsonAsync($"workflow-instances/{instanceId}/variables");
        Assert.Equal(variables["count"]!.GetValue<int>(), variables["items"]!.AsArray().Count);

        var suspended = await designer.PostJsonAsync("workflow-instances", new JsonObject { ["subStatuses"] = new JsonArray("Suspended") });
        Assert.Equal(instanceId, Assert.Single(suspended["items"]!.AsArray())!["id"]!.GetValue<string>());
        var finished = await designer.PostJsonAsync("workflow-instances", new JsonObject { ["statuses"] = new JsonArray("Finished"), ["definitionIds"] = new JsonArray("wait-1", "other") });
        Assert.Empty(finished["items"]!.AsArray());
        var searched = await designer.PostJsonAsync("workflow-instances", new JsonObject { ["searchTerm"] = "patient-4" });
        Assert.Single(searched["items"]!.AsArray());

        var cancelled = await server.Client("operator").PostJsonAsync($"workflow-instances/{instanceId}/cancel", new JsonObject());
        Assert.Equal("Finished", cancelled["status"]!.GetValue<string>());
        Assert.Equal("Cancelled", cancelled["subStatus"]!.GetValue<string>());
        var executions = await designer.GetJsonAsync($"activity-executions/list?WorkflowInstanceId={instanceId}&ActivityNodeId=Workflow1:root:wait");
        Assert.Equal("Canceled", Assert.Single(executions["items"]!.AsArray())!["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("operator").DeleteAsync($"workflow-instances/{instanceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await designer.DeleteAsync($"workflow-instances/{instanceId}")).StatusCode);
        await designer.GetJsonAsync($"workflow-instances/{instanceId}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ExecuteDefault_RunsThePublishedVersion_AndRefusesWhenNoneIsPublished()
    {
        await designer.PostJsonAsync("workflow-definitions", WaitForEvent("wait-2"));

        await designer.PostJsonAsync("workflow-definitions/wait-2/execute", new JsonObject(), HttpStatusCode.NotFound);

        var invalid = ElsaApiServer.Fixture("captured-final-save-body.json");
        invalid["model"]!["root"]!["activities"]![0]!["type"] = "Nope.Unknown";
        await designer.PostJsonAsync("workflow-definitions", invalid);
        var refused = await designer.PostAsync("workflow-definitions/hc-demo-1/execute", System.Net.Http.Json.JsonContent.Create(new JsonObject { ["versionOptions"] = "Latest" }));
        var problem = await refused.JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["start1"]);
        Assert.False(refused.Headers.Contains("x-elsa-workflow-instance-id"));
    }
}
