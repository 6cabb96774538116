using Automation.Engine.Execution;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Expressions;

public sealed class ExpressionSandboxTests
{
    private static async Task<WorkflowRunResult> RunScriptAsync(TestEngine engine, string script) =>
        await engine.RunAsync(Flow.Sequence(Flow.Activity("js", "Elsa.WriteLine", ("text", Flow.Expr("JavaScript", script, "String")))));

    [Theory]
    [InlineData("while (true) {}")]
    [InlineData("function f() { return f(); } return f();")]
    [InlineData("var a = []; while (true) { a.push(new Array(100000).join('x')); }")]
    public async Task JavaScript_RunawayScript_BecomesIncidentNotCrash(string script)
    {
        using var engine = new TestEngine();

        var result = await RunScriptAsync(engine, script);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains("JavaScript failed", result.State.Incidents.Single().Message);
    }

    [Theory]
    [InlineData("return typeof System === 'undefined' && typeof importNamespace === 'undefined' ? 'sealed' : 'open';")]
    [InlineData("return typeof require === 'undefined' ? 'sealed' : 'open';")]
    public async Task JavaScript_HasNoClrAccess(string script)
    {
        using var engine = new TestEngine();

        await RunScriptAsync(engine, script);

        Assert.Equal(["sealed"], engine.Lines);
    }

    [Fact]
    public async Task JavaScript_and_Liquid_see_the_engine_clock_as_now()
    {
        using var engine = new TestEngine();
        engine.Clock.Advance(TimeSpan.FromDays(3));

        await RunScriptAsync(engine, "return now;");
        await engine.RunAsync(Flow.Sequence(Flow.Activity("liquid", "Elsa.WriteLine", ("text", Flow.Expr("Liquid", "{{ Workflow.Now | date: '%Y-%m-%d' }}", "String")))));

        Assert.Equal(["2026-11-30T08:00:00.0000000+00:00", "2026-11-30"], engine.Lines);
    }

    [Fact]
    public async Task JavaScript_StrictMode_RejectsUndeclaredAssignment()
    {
        using var engine = new TestEngine();

        var result = await RunScriptAsync(engine, "leaked = 1; return 'x';");

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
    }

    [Fact]
    public async Task JavaScript_SeesInputVariablesAndOutputsAsPlainValues()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(
            Flow.Activity("js", "Elsa.WriteLine", ("text", Flow.Expr("JavaScript", "return input.patient.name.toUpperCase() + ':' + input.tags.length + ':' + (correlationId === null);", "String"))));

        await engine.RunAsync(definition, new Dictionary<string, object?>
        {
            ["patient"] = new Dictionary<string, object?> { ["name"] = "ada" },
            ["tags"] = new List<object?> { "a", "b" },
        });

        Assert.Equal(["ADA:2:true"], engine.Lines);
    }

    [Fact]
    public async Task Liquid_RendersVariablesAndInput()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(
            Flow.Activity("liquid", "Elsa.WriteLine", ("text", Flow.Expr("Liquid", "Hello {{ Input.first | upcase }}, {% if Input.count > 1 %}{{ Input.count }} reminders{% endif %}", "String"))));

        await engine.RunAsync(definition, new Dictionary<string, object?> { ["first"] = "ada", ["count"] = 2 });

        Assert.Equal(["Hello ADA, 2 reminders"], engine.Lines);
    }

    [Fact]
    public async Task ObjectExpression_IsParsedOnceToPlainValue()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(
            Flow.Activity("set", "Elsa.SetVariable", ("variable", new System.Text.Json.Nodes.JsonObject { ["id"] = "v1" }), ("value", Flow.Expr("Object", "{\"a\":[1,2,3]}"))),
            Flow.Activity("print", "Elsa.WriteLine", ("text", Flow.Expr("JavaScript", "return '' + variables.config.a[2];", "String"))));
        definition.Document["variables"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = "v1", ["name"] = "config", ["typeName"] = "Object" });

        await engine.RunAsync(Automation.Engine.Definitions.WorkflowDefinitionJson.Parse(definition.Document.ToJsonString()));

        Assert.Equal(["3"], engine.Lines);
    }

    [Fact]
    public async Task VariableExpression_StudioStringForm_ReadsVariable()
    {
        using var engine = new TestEngine();
        var reference = "{\"id\":\"greeting-id\",\"name\":\"greeting\",\"typeName\":\"String\"}";
        var definition = Flow.Sequence(Flow.Activity("print", "Elsa.WriteLine", ("text", Flow.Expr("Variable", reference, "String"))));
        definition.Document["variables"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = "greeting-id", ["name"] = "greeting", ["typeName"] = "String", ["value"] = "hi there" });

        await engine.RunAsync(Automation.Engine.Definitions.WorkflowDefinitionJson.Parse(definition.Document.ToJsonString()));

        Assert.Equal(["hi there"], engine.Lines);
    }
}
