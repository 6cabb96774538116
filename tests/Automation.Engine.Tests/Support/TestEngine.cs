using System.Text.Json.Nodes;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Engine.Tests.Support;

/// <summary>An in-memory engine with a fake clock and a captured console.</summary>
internal sealed class TestEngine : IDisposable
{
    private readonly ServiceProvider services;

    public TestEngine(Action<WorkflowEngineOptions>? configure = null, Action<ActivityRegistry>? register = null)
    {
        var registry = new ActivityRegistry();
        register?.Invoke(registry);
        var collection = new ServiceCollection();
        collection.AddSingleton(registry);
        collection.AddSingleton<TimeProvider>(Clock);
        collection.AddSingleton(new WorkflowConsole(Console));
        collection.AddAutomationEngine(configure);
        services = collection.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    public StringWriter Console { get; } = new();

    public WorkflowInvoker Invoker => services.GetRequiredService<WorkflowInvoker>();

    public WorkflowCompiler Compiler => services.GetRequiredService<WorkflowCompiler>();

    public string[] Lines => Console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public ValueTask<WorkflowRunResult> RunAsync(WorkflowDefinition definition, IReadOnlyDictionary<string, object?>? input = null) =>
        Invoker.StartAsync(definition, new StartWorkflowOptions { Input = input });

    public void Dispose() => services.Dispose();
}

/// <summary>Builds Elsa-format definitions in tests.</summary>
internal static class Flow
{
    public static JsonObject Literal(object? value, string typeName = "String") =>
        Expr("Literal", value, typeName);

    public static JsonObject Expr(string syntax, object? value, string typeName = "Object") => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = System.Text.Json.JsonSerializer.SerializeToNode(value) },
    };

    public static JsonObject Activity(string id, string type, params (string Input, JsonNode Value)[] inputs)
    {
        var activity = new JsonObject { ["id"] = id, ["type"] = type, ["version"] = 1 };
        foreach (var (input, value) in inputs)
        {
            activity[input] = value;
        }

        return activity;
    }

    public static JsonObject Connect(string source, string target, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    public static WorkflowDefinition Definition(IEnumerable<JsonObject> activities, IEnumerable<JsonObject> connections, JsonArray? variables = null, JsonObject? options = null)
    {
        var document = new JsonObject
        {
            ["id"] = "test-v1",
            ["definitionId"] = "test",
            ["name"] = "Test",
            ["version"] = 1,
            ["variables"] = variables ?? [],
            ["options"] = options ?? new JsonObject(),
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["id"] = "root",
                ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
                ["connections"] = new JsonArray(connections.Select(c => (JsonNode)c).ToArray()),
            },
        };
        return WorkflowDefinitionJson.FromDocument(document);
    }

    /// <summary>A chain: each activity connected to the next by Done.</summary>
    public static WorkflowDefinition Sequence(params JsonObject[] activities) =>
        Definition(activities, activities.Zip(activities.Skip(1), (a, b) => Connect(a["id"]!.GetValue<string>(), b["id"]!.GetValue<string>())));

    public static JsonObject WriteLine(string id, string text) => Activity(id, "Elsa.WriteLine", ("text", Literal(text)));
}
