using System.Text.Json.Nodes;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Benchmarks;

internal static class BenchmarkWorkflows
{
    /// <summary>Ten activities in a chain: Start, eight steps (variables, a decision, writes), End.</summary>
    public static WorkflowDefinition TenSequential()
    {
        var activities = new JsonArray();
        var connections = new JsonArray();
        activities.Add(Activity("a0", "Elsa.Start"));
        for (var i = 1; i <= 8; i++)
        {
            activities.Add(i % 2 == 0
                ? Activity($"a{i}", "Elsa.WriteLine", ("text", Literal($"step {i}")))
                : Activity($"a{i}", "Elsa.SetVariable", ("variable", new JsonObject { ["id"] = "v", ["name"] = "counter" }), ("value", Literal(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        }

        activities.Add(Activity("a9", "Elsa.End"));
        for (var i = 0; i < 9; i++)
        {
            connections.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = $"a{i}", ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = $"a{i + 1}", ["port"] = "In" },
            });
        }

        return WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["id"] = "bench-v1",
            ["definitionId"] = "bench",
            ["version"] = 1,
            ["isLatest"] = true,
            ["isPublished"] = true,
            ["variables"] = new JsonArray(new JsonObject { ["id"] = "v", ["name"] = "counter", ["typeName"] = "Object" }),
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["id"] = "root", ["activities"] = activities, ["connections"] = connections },
        });
    }

    /// <summary>A Switch with three JavaScript cases (the last one matches) before a WriteLine: a branch as designed in Studio.</summary>
    public static WorkflowDefinition SwitchOfThree()
    {
        var cases = new JsonArray(
            new JsonObject { ["label"] = "Diabetic", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "input.segment === 'diabetic'" } },
            new JsonObject { ["label"] = "Screening", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "input.age >= 50 && input.age <= 75" } },
            new JsonObject { ["label"] = "General", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "input.segment === 'general'" } });
        var activities = new JsonArray(
            Activity("switch", "Elsa.FlowSwitch", ("cases", cases), ("mode", Literal("MatchFirst"))),
            Activity("general", "Elsa.WriteLine", ("text", Literal("general"))));
        var connections = new JsonArray(new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = "switch", ["port"] = "General" },
            ["target"] = new JsonObject { ["activity"] = "general", ["port"] = "In" },
        });
        return WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["id"] = "bench-switch-v1",
            ["definitionId"] = "bench-switch",
            ["version"] = 1,
            ["isPublished"] = true,
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["id"] = "root", ["activities"] = activities, ["connections"] = connections },
        });
    }

    public static ServiceProvider Engine() =>
        new ServiceCollection().AddSingleton(new WorkflowConsole(TextWriter.Null)).AddAutomationEngine().BuildServiceProvider();

    private static JsonObject Literal(string value) => new() { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } };

    private static JsonObject Activity(string id, string type, params (string Name, JsonNode Value)[] inputs)
    {
        var activity = new JsonObject { ["id"] = id, ["type"] = type, ["version"] = 1 };
        foreach (var (name, value) in inputs)
        {
            activity[name] = value;
        }

        return activity;
    }
}
