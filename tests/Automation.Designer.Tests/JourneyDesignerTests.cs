using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Automation.Designer.Tests;

/// <summary>
/// The repository's journeys (<c>workflows/*.json</c>), published by the server at start as on a user's first start,
/// open in the real Elsa Studio: listed, drawn with every activity and connection of the file, their consent and
/// secure-send inputs shown in their editors, and an edit saved from Studio keeps the rest of the journey intact.
/// Nothing here sends a message, so the demo's quiet hours do not matter.
/// </summary>
[Collection(DesignerCollection.Name)]
public sealed class JourneyDesignerTests(DesignerHost host, ITestOutputHelper output)
{
    private const string SaveButton = ".mud-toolbar .elsa-toolbar-icon button";

    // Studio loads and draws in the browser on a busy machine: allow more than Playwright's 5 s default for assertions.
    private const float Slow = 30_000;

    // Finds a point of the canvas that is not on a node or an edge, on the side opposite to where the content has to
    // move, so that dragging from it pans the graph (Studio's x6 canvas pans on a drag over blank space).
    private const string BlankCanvasPoint = """
        ({ dx, dy }) => {
            const r = document.querySelector('.x6-graph').getBoundingClientRect();
            const xs = dx < 0 ? [0.97, 0.9, 0.8, 0.7, 0.6, 0.5] : [0.03, 0.1, 0.2, 0.3, 0.4, 0.5];
            const ys = dy < 0 ? [0.97, 0.9, 0.8, 0.7, 0.6, 0.5] : [0.03, 0.1, 0.2, 0.3, 0.4, 0.5];
            for (const fy of ys) for (const fx of xs) {
                const x = r.x + r.width * fx, y = r.y + r.height * fy;
                const e = document.elementFromPoint(x, y);
                if (e && e.closest('.x6-graph') && !e.closest('.x6-cell')) return [x, y];
            }
            return null;
        }
        """;

    [Theory]
    [InlineData("appointment-reminder")]
    [InlineData("enrollment")]
    [InlineData("re-engagement")]
    public async Task RepositoryJourney_OpensInStudio_DrawsEveryActivityAndConnection_AndItsInputsAreEditable(string file)
    {
        var journey = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(ServerProcess.Repository, "workflows", file + ".json")))!.AsObject();
        var definitionId = journey["definitionId"]!.GetValue<string>();
        var activities = journey["root"]!["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
        var connections = journey["root"]!["connections"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var typeDisplayNames = await ActivityDisplayNamesAsync();

        var page = await host.AdminPageAsync();
        await host.GuardAsync(page, $"{nameof(RepositoryJourney_OpensInStudio_DrawsEveryActivityAndConnection_AndItsInputsAreEditable)}-{file}", output, async () =>
        {
            // The journeys list shows it published; its link opens Studio's editor.
            var row = page.Locator($"tr[data-definition-id='{definitionId}']");
            await Assertions.Expect(row).ToContainTextAsync(journey["name"]!.GetValue<string>());
            await Assertions.Expect(row).ToContainTextAsync("Published");
            await row.Locator("a").ClickAsync();
            await page.WaitForURLAsync($"**/designer/editor.html?id={definitionId}");

            // Every activity is a node showing its name and its type's display name; every connection leaves from a
            // port of that name on its source node and is drawn as an edge.
            await page.Locator(".x6-node").First.WaitForAsync();
            await Assertions.Expect(page.Locator(".x6-node")).ToHaveCountAsync(activities.Count, new() { Timeout = Slow });
            foreach (var activity in activities)
            {
                var node = Node(page, Id(activity));
                await Assertions.Expect(node).ToContainTextAsync(DisplayText(activity));
                await Assertions.Expect(node).ToContainTextAsync(typeDisplayNames[activity["type"]!.GetValue<string>()]);
            }

            foreach (var connection in connections)
            {
                var source = connection["source"]!;
                var port = Node(page, source["activity"]!.GetValue<string>()).Locator($".x6-port-body[port-group=out][port='{source["port"]!.GetValue<string>()}']");
                await Assertions.Expect(port).ToHaveCountAsync(1);
            }

            await Assertions.Expect(page.Locator(".x6-edge")).ToHaveCountAsync(connections.Count);

            // The consent check's inputs in their dropdowns; its patient input is JavaScript, whose editor loads the
            // journey's declarations for autocomplete (outputs.patient.Patient among them).
            var consent = activities.First(a => a["type"]!.GetValue<string>() == "Healthcare.CheckConsent");
            var typeDefinitions = page.WaitForResponseAsync(r => r.Url.Contains($"/scripting/javascript/type-definitions/{definitionId}", StringComparison.Ordinal), new() { Timeout = Slow });
            await OpenActivityAsync(page, Id(consent));
            var declarations = await typeDefinitions;
            Assert.Equal(200, declarations.Status);
            Assert.Contains("  patient: { Patient: any; ", await declarations.TextAsync(), StringComparison.Ordinal);
            await Assertions.Expect(Field(page, "Purpose").Locator("input").First).ToHaveValueAsync(Literal(consent, "purpose"), new() { Timeout = Slow });
            await Assertions.Expect(Field(page, "Channel").Locator("input").First).ToHaveValueAsync(Literal(consent, "channel"));

            // The secure send's subject in a text box and its HTML template in a Liquid code editor.
            var send = activities.First(a => a["type"]!.GetValue<string>() == "Healthcare.SecureSend");
            await OpenActivityAsync(page, Id(send));
            var subject = Field(page, "Subject").Locator("input").First;
            await Assertions.Expect(subject).ToHaveValueAsync(Literal(send, "subject"), new() { Timeout = Slow });
            var html = Field(page, "Html");
            await Assertions.Expect(html.Locator(".monaco-editor-container[data-mode-id=liquid]")).ToBeVisibleAsync(new() { Timeout = Slow });
            var firstLine = send["html"]!["expression"]!["value"]!.GetValue<string>().Split('\n')[0];
            await Assertions.Expect(html.Locator(".view-lines")).ToContainTextAsync(firstLine[..Math.Min(60, firstLine.Length)]);

            // Edit the subject and save: the draft Studio saved is the journey with that one change.
            var edited = "Edited in the designer " + Guid.NewGuid().ToString("N")[..8];
            await subject.FillAsync(edited);
            await page.Locator(SaveButton).ClickAsync();
            var draft = await WaitForAsync(async () =>
            {
                var latest = await LatestAsync(definitionId);
                return latest["root"]!["activities"]!.AsArray().Any(a => Id(a!.AsObject()) == Id(send) && Literal(a!.AsObject(), "subject") == edited) ? latest : null;
            });
            AssertSameJourney(journey, draft, Id(send), "subject");
        });
    }

    private static ILocator Node(IPage page, string activityId) => page.Locator($".x6-node[data-cell-id='{activityId}']");

    // An input of the selected activity's panel, found by its label.
    private static ILocator Field(IPage page, string label) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator("label", new() { HasTextRegex = new($"^{label}$") }) }).First;

    private static string Id(JsonObject activity) => activity["id"]!.GetValue<string>();

    private static string DisplayText(JsonObject activity) =>
        activity["metadata"]?["displayText"]?.GetValue<string>() ?? activity["name"]!.GetValue<string>();

    private static string Literal(JsonObject activity, string input) => activity[input]!["expression"]!["value"]!.GetValue<string>();

    // Pans the canvas until the activity's node is inside it (journeys are wider than the canvas), then selects it.
    private static async Task OpenActivityAsync(IPage page, string activityId)
    {
        var node = Node(page, activityId);
        var pans = new List<string>();
        for (var attempt = 0; ; attempt++)
        {
            var canvas = (await page.Locator(".x6-graph").First.BoundingBoxAsync())!;
            var box = (await node.BoundingBoxAsync())!;
            const float margin = 20;
            if (box.X >= canvas.X + margin && box.Y >= canvas.Y + margin
                && box.X + box.Width <= canvas.X + canvas.Width - margin && box.Y + box.Height <= canvas.Y + canvas.Height - margin)
            {
                break;
            }

            if (attempt == 6)
            {
                throw new InvalidOperationException($"The node of '{activityId}' could not be panned into the canvas: {string.Join("; ", pans)}");
            }

            var dx = canvas.X + (canvas.Width / 2) - (box.X + (box.Width / 2));
            var dy = canvas.Y + (canvas.Height / 2) - (box.Y + (box.Height / 2));
            // (doubles: Playwright serializes a float argument as an empty object)
            var from = await page.EvaluateAsync<float[]?>(BlankCanvasPoint, new { dx = (double)dx, dy = (double)dy })
                ?? throw new InvalidOperationException("No blank point on the canvas to pan from.");
            var toX = Math.Clamp(from[0] + dx, canvas.X + 5, canvas.X + canvas.Width - 5);
            var toY = Math.Clamp(from[1] + dy, canvas.Y + 5, canvas.Y + canvas.Height - 5);
            pans.Add($"canvas {canvas.X},{canvas.Y} {canvas.Width}x{canvas.Height}, node {box.X},{box.Y} {box.Width}x{box.Height}, drag {from[0]},{from[1]} -> {toX},{toY}");
            await page.Mouse.MoveAsync(from[0], from[1]);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(toX, toY, new() { Steps = 10 });
            await page.Mouse.UpAsync();
        }

        await node.ClickAsync();
    }

    // The saved draft has the file's activities (same ids and types, every input expression equal except the one edited)
    // and the file's connections (same ports).
    private static void AssertSameJourney(JsonObject file, JsonObject draft, string editedActivity, string editedInput)
    {
        var saved = draft["root"]!["activities"]!.AsArray().ToDictionary(a => Id(a!.AsObject()), a => a!.AsObject());
        var original = file["root"]!["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.Equal(original.Select(Id).Order(StringComparer.Ordinal), saved.Keys.Order(StringComparer.Ordinal));
        foreach (var activity in original)
        {
            var copy = saved[Id(activity)];
            Assert.Equal(activity["type"]!.GetValue<string>(), copy["type"]!.GetValue<string>());
            foreach (var (name, value) in activity.Where(p => p.Value is JsonObject o && o.ContainsKey("expression")))
            {
                if (Id(activity) == editedActivity && name == editedInput)
                {
                    continue;
                }

                Assert.True(
                    JsonNode.DeepEquals(value!["expression"], copy[name]?["expression"]),
                    $"{Id(activity)}.{name}: saved {copy[name]?["expression"]?.ToJsonString()}, file {value!["expression"]!.ToJsonString()}");
            }
        }

        Assert.Equal(Connections(file), Connections(draft));
    }

    private static List<string> Connections(JsonObject definition) =>
        definition["root"]!["connections"]!.AsArray()
            .Select(c => $"{c!["source"]!["activity"]}:{c["source"]!["port"]} -> {c["target"]!["activity"]}:{c["target"]!["port"]}")
            .Order(StringComparer.Ordinal).ToList();

    private async Task<Dictionary<string, string>> ActivityDisplayNamesAsync()
    {
        using var admin = await host.AdminClientAsync();
        var descriptors = (await admin.GetFromJsonAsync<JsonObject>("/elsa/api/descriptors/activities"))!;
        return descriptors["items"]!.AsArray().ToDictionary(d => d!["typeName"]!.GetValue<string>(), d => d!["displayName"]!.GetValue<string>());
    }

    private async Task<JsonObject> LatestAsync(string definitionId)
    {
        using var admin = await host.AdminClientAsync();
        return (await admin.GetFromJsonAsync<JsonObject>($"/elsa/api/workflow-definitions/by-definition-id/{definitionId}?versionOptions=Latest"))!;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        for (var i = 0; i < 120; i++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The expected state was not reached within 30 s.");
    }
}
