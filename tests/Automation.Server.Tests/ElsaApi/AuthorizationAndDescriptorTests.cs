using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Automation.Server.Tests.ElsaApi;

public sealed class AuthorizationAndDescriptorTests : IDisposable
{
    private readonly ElsaApiServer server = new();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task Roles_AreEnforcedOnEveryKindOfEndpoint()
    {
        var save = ElsaApiServer.Fixture("captured-final-publish-body.json");

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(null).GetAsync("workflow-definitions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(null).GetAsync("descriptors/activities")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("auditor").GetAsync("workflow-definitions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("auditor").GetAsync("workflow-definitions/by-definition-id/hc-demo-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("auditor").PostAsync("workflow-instances", JsonContent.Create(new JsonObject()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("operator").PostAsync("workflow-definitions", JsonContent.Create(save))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("operator").PostAsync("workflow-definitions/import", JsonContent.Create(save["model"]!.DeepClone()))).StatusCode);

        await server.Client("admin").PostJsonAsync("workflow-definitions", save);

        var operatorClient = server.Client("operator");
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("workflow-definitions/hc-demo-1/publish", JsonContent.Create(new JsonObject()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("workflow-definitions/hc-demo-1/retract", JsonContent.Create(new JsonObject()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync("workflow-definitions/hc-demo-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("auditor").PostAsync("workflow-definitions/hc-demo-1/execute", JsonContent.Create(new JsonObject()))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(null).PostAsync("workflow-definitions/hc-demo-1/execute", JsonContent.Create(new JsonObject()))).StatusCode);

        // Operators read and run.
        await operatorClient.GetJsonAsync("workflow-definitions/by-definition-id/hc-demo-1");
        var run = await operatorClient.PostAsync("workflow-definitions/hc-demo-1/execute", JsonContent.Create(new JsonObject()));
        await run.JsonAsync();
        Assert.True(run.Headers.Contains("x-elsa-workflow-instance-id"));
        await server.Client("designer").GetJsonAsync("workflow-definitions/hc-demo-1/export");
    }

    [Fact]
    public async Task Descriptors_ListWhatStudioNeeds()
    {
        var client = server.Client("designer");

        var activities = await client.GetJsonAsync("descriptors/activities?Refresh=True");
        var types = activities["items"]!.AsArray().Select(a => a!["typeName"]!.GetValue<string>()).ToList();
        Assert.Contains("Elsa.Flowchart", types);
        Assert.Contains("Elsa.Start", types);
        Assert.Contains("Healthcare.CheckConsent", types);
        Assert.Equal(types.Count, activities["count"]!.GetValue<int>());
        var consent = activities["items"]!.AsArray().First(a => a!["typeName"]!.GetValue<string>() == "Healthcare.CheckConsent")!;
        Assert.Equal(["Granted", "Denied"], consent["ports"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("dropdown", consent["inputs"]!.AsArray().First(i => i!["name"]!.GetValue<string>() == "Channel")!["uiHint"]!.GetValue<string>());

        var expressions = (await client.GetJsonAsync("descriptors/expression-descriptors"))["items"]!.AsArray();
        Assert.Equal(["Literal", "Object", "JavaScript", "Liquid", "Variable"], expressions.Select(e => e!["type"]!.GetValue<string>()));
        Assert.False(expressions[0]!["isBrowsable"]!.GetValue<bool>());
        Assert.False(expressions[1]!["isBrowsable"]!.GetValue<bool>());
        Assert.True(expressions[2]!["isBrowsable"]!.GetValue<bool>());
        Assert.Equal("javascript", expressions[2]!["properties"]!["MonacoLanguage"]!.GetValue<string>());

        var incident = (await client.GetJsonAsync("descriptors/incident-strategies"))["items"]!.AsArray();
        Assert.Contains(incident, i => i!["typeName"]!.GetValue<string>().StartsWith("Elsa.Workflows.IncidentStrategies.FaultStrategy", StringComparison.Ordinal));
        Assert.Contains(incident, i => i!["typeName"]!.GetValue<string>().StartsWith("Elsa.Workflows.IncidentStrategies.ContinueWithIncidentsStrategy", StringComparison.Ordinal));

        var variables = (await client.GetJsonAsync("descriptors/variables"))["items"]!.AsArray();
        Assert.Equal(
            ["String", "Boolean", "Int32", "Int64", "Double", "Decimal", "DateTime", "DateTimeOffset", "TimeSpan", "Object", "StringList"],
            variables.Select(v => v!["typeName"]!.GetValue<string>()));
        Assert.All(variables, v => Assert.NotNull(v!["category"]));

        foreach (var empty in new[]
        {
            "descriptors/workflow-activation-strategies", "descriptors/log-persistence-strategies", "descriptors/commit-strategies/workflows",
            "descriptors/commit-strategies/activities", "descriptors/storage-drivers", "features/installed",
        })
        {
            var list = await client.GetJsonAsync(empty);
            Assert.Empty(list["items"]!.AsArray());
            Assert.Equal(0, list["count"]!.GetValue<int>());
        }
    }
}
