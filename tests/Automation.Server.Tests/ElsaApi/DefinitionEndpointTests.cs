using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Automation.Server.Tests.ElsaApi;

public sealed class DefinitionEndpointTests : IDisposable
{
    private readonly ElsaApiServer server = new();
    private readonly HttpClient designer;

    public DefinitionEndpointTests() => designer = server.Client("designer");

    public void Dispose() => server.Dispose();

    private static JsonObject SaveBody(bool publish)
    {
        var body = ElsaApiServer.Fixture(publish ? "captured-final-publish-body.json" : "captured-final-save-body.json");
        Assert.Equal(publish, body["publish"]!.GetValue<bool>());
        return body;
    }

    private async Task<JsonNode> SaveAsync(JsonObject body, HttpStatusCode expected = HttpStatusCode.OK) =>
        await designer.PostJsonAsync("workflow-definitions", body, expected);

    [Fact]
    public async Task OpenEditor_ByDefinitionId_HasPublishLinkAndNodeIds()
    {
        await SaveAsync(SaveBody(publish: false));

        var definition = await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1?versionOptions=Latest");

        Assert.Equal("hc-demo-1", definition["definitionId"]!.GetValue<string>());
        Assert.Equal("Flu shot outreach (HIPAA)", definition["name"]!.GetValue<string>());
        Assert.True(definition["isLatest"]!.GetValue<bool>());
        Assert.Contains(definition["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "publish");
        Assert.Equal("Workflow1:root", definition["root"]!["nodeId"]!.GetValue<string>());
        foreach (var activity in definition["root"]!["activities"]!.AsArray())
        {
            Assert.Equal("Workflow1:root:" + activity!["id"]!.GetValue<string>(), activity["nodeId"]!.GetValue<string>());
        }

        // Designer metadata and Studio's own fields survive the round trip.
        Assert.Equal("3.8.2.0", definition["toolVersion"]!.GetValue<string>());
        Assert.Equal(120, definition["root"]!["activities"]![1]!["metadata"]!["designer"]!["position"]!["x"]!.GetValue<int>());

        // An operator may look but not edit: without the publish link Studio opens the editor read-only.
        var asOperator = await server.Client("operator").GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1");
        Assert.DoesNotContain(asOperator["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "publish");
    }

    [Fact]
    public async Task SaveBareRoot_FillsNodeIdActivitiesAndConnections()
    {
        var body = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["name"] = "New journey",
                ["root"] = new JsonObject { ["id"] = "Flowchart1", ["type"] = "Elsa.Flowchart", ["version"] = 1, ["name"] = "Flowchart1" },
            },
            ["publish"] = false,
        };

        var saved = await SaveAsync(body);

        var definition = saved["workflowDefinition"]!;
        Assert.False(string.IsNullOrEmpty(definition["definitionId"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(definition["id"]!.GetValue<string>()));
        Assert.Equal(1, definition["version"]!.GetValue<int>());
        Assert.True(definition["isLatest"]!.GetValue<bool>());
        Assert.False(definition["isPublished"]!.GetValue<bool>());
        Assert.Equal("Workflow1:Flowchart1", definition["root"]!["nodeId"]!.GetValue<string>());
        Assert.Empty(definition["root"]!["activities"]!.AsArray());
        Assert.Empty(definition["root"]!["connections"]!.AsArray());
        Assert.Contains(definition["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "publish");
        Assert.False(saved["alreadyPublished"]!.GetValue<bool>());
        Assert.Equal(0, saved["consumingWorkflowCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task SaveCapturedBody_ThenPublishCapturedBody()
    {
        var draft = (await SaveAsync(SaveBody(publish: false)))["workflowDefinition"]!;
        Assert.False(draft["isPublished"]!.GetValue<bool>());
        Assert.Equal(1, draft["version"]!.GetValue<int>());

        var published = (await SaveAsync(SaveBody(publish: true)))["workflowDefinition"]!;

        Assert.True(published["isPublished"]!.GetValue<bool>());
        Assert.Equal(draft["id"]!.GetValue<string>(), published["id"]!.GetValue<string>());
        Assert.Equal(1, published["version"]!.GetValue<int>());
        var list = await designer.GetJsonAsync("workflow-definitions?versionOptions=Published&Page=0&PageSize=10");
        var row = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal("hc-demo-1", row["definitionId"]!.GetValue<string>());
        Assert.True(row["isPublished"]!.GetValue<bool>());
        Assert.Equal(1, list["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task SavingPublishedDefinition_CreatesVersion2Draft_Version1StaysPublished()
    {
        var v1 = (await SaveAsync(SaveBody(publish: true)))["workflowDefinition"]!;
        var v1Id = v1["id"]!.GetValue<string>();

        var v2 = (await SaveAsync(SaveBody(publish: false)))["workflowDefinition"]!;

        Assert.Equal(2, v2["version"]!.GetValue<int>());
        Assert.NotEqual(v1Id, v2["id"]!.GetValue<string>());
        Assert.True(v2["isLatest"]!.GetValue<bool>());
        Assert.False(v2["isPublished"]!.GetValue<bool>());
        var old = await designer.GetJsonAsync($"workflow-definitions/by-id/{v1Id}");
        Assert.True(old["isPublished"]!.GetValue<bool>());
        Assert.False(old["isLatest"]!.GetValue<bool>());
        var published = await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1?versionOptions=Published");
        Assert.Equal(v1Id, published["id"]!.GetValue<string>());

        // Autosave overwrites the draft instead of stacking versions.
        var again = (await SaveAsync(SaveBody(publish: false)))["workflowDefinition"]!;
        Assert.Equal(v2["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        var history = await designer.GetJsonAsync("workflow-definitions?versionOptions=AllVersions&DefinitionIds=hc-demo-1&OrderBy=Version&OrderDirection=Descending");
        Assert.Equal([2, 1], history["items"]!.AsArray().Select(i => i!["version"]!.GetValue<int>()));

        // Publishing makes the latest the only published version.
        var publish = await designer.PostJsonAsync("workflow-definitions/hc-demo-1/publish", new JsonObject());
        Assert.True(publish["workflowDefinition"]!["isPublished"]!.GetValue<bool>());
        Assert.Equal(2, publish["workflowDefinition"]!["version"]!.GetValue<int>());
        Assert.False((await designer.GetJsonAsync($"workflow-definitions/by-id/{v1Id}"))["isPublished"]!.GetValue<bool>());
        var again2 = await designer.PostJsonAsync("workflow-definitions/hc-demo-1/publish", new JsonObject());
        Assert.True(again2["alreadyPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PublishInvalid_Returns400KeyedByActivity_AndSavesNothing()
    {
        var body = SaveBody(publish: true);
        var activities = body["model"]!["root"]!["activities"]!.AsArray();
        activities.First(a => a!["id"]!.GetValue<string>() == "fetch1")!.AsObject().Remove("patientId");
        activities.First(a => a!["id"]!.GetValue<string>() == "send1")!["type"] = "Healthcare.DoesNotExist";

        var problem = await SaveAsync(body, HttpStatusCode.BadRequest);

        var errors = problem["errors"]!.AsObject();
        Assert.Contains("PatientId", errors["fetch1"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Healthcare.DoesNotExist", errors["send1"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1", HttpStatusCode.NotFound);

        // With a published version, a failed publish leaves no half-saved version 2 behind.
        await SaveAsync(SaveBody(publish: true));
        await SaveAsync(body, HttpStatusCode.BadRequest);
        var latest = await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1?versionOptions=Latest");
        Assert.Equal(1, latest["version"]!.GetValue<int>());
        Assert.True(latest["isPublished"]!.GetValue<bool>());

        // The same invalid model is accepted as a draft (autosave while editing), and the publish endpoint then refuses it.
        body["publish"] = false;
        await SaveAsync(body);
        var refused = await designer.PostJsonAsync("workflow-definitions/hc-demo-1/publish", new JsonObject(), HttpStatusCode.BadRequest);
        Assert.NotNull(refused["errors"]!["fetch1"]);
        Assert.Equal(1, (await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1?versionOptions=Published"))["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Retract_UnpublishesTheDefinition()
    {
        await SaveAsync(SaveBody(publish: true));

        var retracted = await designer.PostJsonAsync("workflow-definitions/hc-demo-1/retract", new JsonObject());

        Assert.False(retracted["isPublished"]!.GetValue<bool>());
        await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1?versionOptions=Published", HttpStatusCode.NotFound);
        Assert.Empty((await designer.GetJsonAsync("workflow-definitions?versionOptions=Published"))["items"]!.AsArray());
        await designer.PostJsonAsync("workflow-definitions/hc-demo-1/retract", new JsonObject(), HttpStatusCode.BadRequest);
        await designer.PostJsonAsync("workflow-definitions/nope/retract", new JsonObject(), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteVersion_ThenDefinition()
    {
        var v1 = (await SaveAsync(SaveBody(publish: true)))["workflowDefinition"]!["id"]!.GetValue<string>();
        var v2 = (await SaveAsync(SaveBody(publish: false)))["workflowDefinition"]!["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NoContent, (await designer.DeleteAsync($"workflow-definitions/by-id/{v2}")).StatusCode);

        await designer.GetJsonAsync($"workflow-definitions/by-id/{v2}", HttpStatusCode.NotFound);
        var latest = await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1?versionOptions=Latest");
        Assert.Equal(v1, latest["id"]!.GetValue<string>());
        Assert.True(latest["isLatest"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await designer.DeleteAsync("workflow-definitions/hc-demo-1")).StatusCode);
        await designer.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1", HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.DeleteAsync("workflow-definitions/hc-demo-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.DeleteAsync($"workflow-definitions/by-id/{v1}")).StatusCode);
    }

    [Fact]
    public async Task ExportThenImport_RoundTrips()
    {
        await SaveAsync(SaveBody(publish: true));

        var response = await designer.GetAsync("workflow-definitions/hc-demo-1/export");
        var exported = await response.JsonAsync();

        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".json", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Equal("https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json", exported["$schema"]!.GetValue<string>());
        Assert.Null(exported["links"]);

        // Into an empty server: a new definition, as a draft.
        Assert.Equal(HttpStatusCode.NoContent, (await designer.DeleteAsync("workflow-definitions/hc-demo-1")).StatusCode);
        var imported = await designer.PostJsonAsync("workflow-definitions/import", exported);
        Assert.Equal("hc-demo-1", imported["definitionId"]!.GetValue<string>());
        Assert.False(imported["isPublished"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(exported["root"], imported["root"]), "the flowchart survives export and import unchanged");

        // Into an existing published definition: a new draft version.
        await designer.PostJsonAsync("workflow-definitions/hc-demo-1/publish", new JsonObject());
        var second = await designer.PostJsonAsync("workflow-definitions/import", exported);
        Assert.Equal(2, second["version"]!.GetValue<int>());
        Assert.False(second["isPublished"]!.GetValue<bool>());

        // Elsa's import without a definition id creates a new definition.
        exported.AsObject().Remove("definitionId");
        var fresh = await designer.PostJsonAsync("workflow-definitions/import", exported);
        Assert.NotEqual("hc-demo-1", fresh["definitionId"]!.GetValue<string>());
        Assert.Equal(1, fresh["version"]!.GetValue<int>());

        await designer.GetJsonAsync("workflow-definitions/nope/export", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IsNameUnique()
    {
        await SaveAsync(SaveBody(publish: false));

        Assert.False((await designer.GetJsonAsync("workflow-definitions/validation/is-name-unique?name=Flu%20shot%20outreach%20(HIPAA)"))["isUnique"]!.GetValue<bool>());
        Assert.True((await designer.GetJsonAsync("workflow-definitions/validation/is-name-unique?name=Flu%20shot%20outreach%20(HIPAA)&definitionId=hc-demo-1"))["isUnique"]!.GetValue<bool>());
        Assert.True((await designer.GetJsonAsync("workflow-definitions/validation/is-name-unique?name=Something%20else"))["isUnique"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ListLatest_PagesAndFilters()
    {
        for (var i = 0; i < 3; i++)
        {
            var body = SaveBody(publish: false);
            body["model"]!["definitionId"] = "def-" + i;
            body["model"]!["name"] = "Journey " + i;
            await SaveAsync(body);
        }

        var page = await designer.GetJsonAsync("workflow-definitions?versionOptions=Latest&Page=1&PageSize=2&OrderBy=Name");
        Assert.Equal(3, page["totalCount"]!.GetValue<int>());
        Assert.Equal("Journey 2", Assert.Single(page["items"]!.AsArray())!["name"]!.GetValue<string>());
        var filtered = await designer.GetJsonAsync("workflow-definitions?DefinitionIds=def-0&DefinitionIds=def-2");
        Assert.Equal(["def-0", "def-2"], filtered["items"]!.AsArray().Select(i => i!["definitionId"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task MalformedBodies_Return400WithTheField()
    {
        var malformed = await designer.PostAsync("workflow-definitions", new StringContent("{\"model\": {", System.Text.Encoding.UTF8, "application/json"));
        Assert.NotNull((await malformed.JsonAsync(HttpStatusCode.BadRequest))["errors"]!["body"]);

        var noModel = await SaveAsync(new JsonObject { ["publish"] = true }, HttpStatusCode.BadRequest);
        Assert.NotNull(noModel["errors"]!["model"]);

        var badRoot = await SaveAsync(new JsonObject { ["model"] = new JsonObject { ["root"] = new JsonObject { ["type"] = "Elsa.Sequence" } } }, HttpStatusCode.BadRequest);
        Assert.NotNull(badRoot["errors"]!["model.root.type"]);

        var badPublish = await SaveAsync(new JsonObject { ["model"] = new JsonObject(), ["publish"] = "maybe" }, HttpStatusCode.BadRequest);
        Assert.NotNull(badPublish["errors"]!["publish"]);

        var badOptions = await designer.GetJsonAsync("workflow-definitions?versionOptions=Sometimes", HttpStatusCode.BadRequest);
        Assert.NotNull(badOptions["errors"]!["versionOptions"]);
    }

    [Fact]
    public async Task UnknownIds_Return404ProblemDetails()
    {
        var problem = await designer.GetJsonAsync("workflow-definitions/by-definition-id/nope", HttpStatusCode.NotFound);
        Assert.Equal(404, problem["status"]!.GetValue<int>());
        await designer.GetJsonAsync("workflow-definitions/by-id/nope", HttpStatusCode.NotFound);
        await designer.PostJsonAsync("workflow-definitions/nope/publish", new JsonObject(), HttpStatusCode.NotFound);
        await designer.PostJsonAsync("workflow-definitions/nope/execute", new JsonObject(), HttpStatusCode.NotFound);
        await designer.GetJsonAsync("workflow-instances/nope", HttpStatusCode.NotFound);
        await designer.GetJsonAsync("workflow-instances/nope/variables", HttpStatusCode.NotFound);
        await designer.GetJsonAsync("workflow-instances/nope/execution-state", HttpStatusCode.NotFound);
        await designer.PostJsonAsync("workflow-instances/nope/journal?skip=0&take=50", new JsonObject(), HttpStatusCode.NotFound);
        await designer.PostJsonAsync("workflow-instances/nope/cancel", new JsonObject(), HttpStatusCode.NotFound);
        await designer.GetJsonAsync("activity-executions/list?WorkflowInstanceId=nope", HttpStatusCode.NotFound);
        await designer.PostJsonAsync("activity-executions/report", new JsonObject { ["workflowInstanceId"] = "nope" }, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await designer.DeleteAsync("workflow-instances/nope")).StatusCode);
    }

    [Fact]
    public async Task Save_BodyWithDuplicateKeys_Is400NotServerError()
    {
        using var content = new StringContent("{\"model\":{\"name\":\"a\",\"name\":\"b\",\"root\":{\"type\":\"Elsa.Flowchart\"}},\"publish\":false}", System.Text.Encoding.UTF8, "application/json");

        var response = await designer.PostAsync("workflow-definitions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("body", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_DraftVersion_OnlyForEditors_PublishedForOperators()
    {
        await SaveAsync(SaveBody(publish: true));
        var operatorClient = server.Client("operator");

        var draft = await operatorClient.PostAsJsonAsync("workflow-definitions/hc-demo-1/execute", new { versionOptions = "Latest" });
        var published = await operatorClient.PostAsJsonAsync("workflow-definitions/hc-demo-1/execute", new { versionOptions = "Published" });

        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
    }

    [Fact]
    public async Task Delete_WhileAnInstanceIsSuspended_Is409AndKeepsTheDefinition()
    {
        var body = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["definitionId"] = "waits",
                ["root"] = new JsonObject
                {
                    ["type"] = "Elsa.Flowchart",
                    ["activities"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "wait",
                        ["type"] = "Elsa.Event",
                        ["eventName"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "never" } },
                    }),
                },
            },
            ["publish"] = true,
        };
        var version = (await SaveAsync(body))["workflowDefinition"]!["id"]!.GetValue<string>();
        (await designer.PostAsJsonAsync("workflow-definitions/waits/execute", new { versionOptions = "Published" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Conflict, (await designer.DeleteAsync("workflow-definitions/waits")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await designer.DeleteAsync($"workflow-definition-versions/{version}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await designer.GetAsync("workflow-definitions/by-definition-id/waits")).StatusCode);
    }
}
