using System.Net;
using System.Text.Json.Nodes;

namespace Automation.Server.Tests.ElsaApi;

/// <summary>The declarations Studio's JavaScript editor loads for autocomplete: the workflow's variables with their
/// types, each activity's outputs by id, and the expression globals.</summary>
public sealed class ScriptingEndpointTests : IDisposable
{
    private readonly ElsaApiServer server = new();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task TypeDefinitions_DeclareVariablesOutputsByActivityIdAndGlobals()
    {
        var designer = server.Client("designer");
        await designer.PostJsonAsync("workflow-definitions", new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["definitionId"] = "reminder-scripts",
                ["name"] = "Reminder",
                ["variables"] = new JsonArray(
                    new JsonObject { ["id"] = "v1", ["name"] = "greeting", ["typeName"] = "String", ["value"] = "Hello" },
                    new JsonObject { ["id"] = "v2", ["name"] = "attempts", ["typeName"] = "Int32", ["value"] = 0 }),
                ["root"] = new JsonObject
                {
                    ["id"] = "Flowchart1",
                    ["type"] = "Elsa.Flowchart",
                    ["version"] = 1,
                    ["activities"] = new JsonArray(
                        new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 },
                        new JsonObject { ["id"] = "wait-for-click", ["type"] = "Elsa.Event", ["version"] = 1, ["name"] = "Wait for the click" },
                        new JsonObject { ["id"] = "fetch1", ["type"] = "Healthcare.FetchPatient", ["version"] = 1 }),
                },
            },
            ["publish"] = false,
        });

        var response = await designer.PostAsync("scripting/javascript/type-definitions/reminder-scripts", System.Net.Http.Json.JsonContent.Create(new JsonObject
        {
            ["workflowDefinitionId"] = "reminder-scripts",
            ["activityTypeName"] = "Elsa.SetVariable",
            ["propertyName"] = "Value",
        }));
        var declarations = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-typescript", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("declare const variables: {\n  greeting: string;\n  attempts: number;\n};", declarations.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  /** Wait for the click (Elsa.Event) */\n  \"wait-for-click\": { Result: any; };", declarations.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("fetch1", declarations, StringComparison.Ordinal); // no outputs to offer
        Assert.Contains("declare const input: { [name: string]: any };", declarations, StringComparison.Ordinal);
        Assert.Contains("declare function getVariable(name: string): any;", declarations, StringComparison.Ordinal);
        Assert.Contains("declare const now: string;", declarations, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeDefinitions_UnknownDefinition_IsNotFound_AndAnonymousIsRefused()
    {
        var missing = await server.Client("designer").PostAsync("scripting/javascript/type-definitions/nope", System.Net.Http.Json.JsonContent.Create(new JsonObject()));
        var anonymous = await server.Client(null).PostAsync("scripting/javascript/type-definitions/nope", System.Net.Http.Json.JsonContent.Create(new JsonObject()));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("nope", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
