using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;

namespace Automation.Engine.Tests.Expressions;

/// <summary>
/// Scripts see the instance's values as <c>JSON.parse</c> of their JSON would give them, though they are now built
/// without the JSON text. Each case compares what a script sees with the same values parsed from their JSON.
/// </summary>
public sealed class ScriptValuesTests
{
    private sealed record Appointment(string Id, DateTimeOffset Start, int? Minutes);

    private static WorkflowState State()
    {
        var state = new WorkflowState { InstanceId = "i1", DefinitionId = "d1", DefinitionVersionId = "d1:1" };
        state.Input["patientId"] = "p-1";
        state.Input["count"] = 3;
        state.Input["big"] = 9_007_199_254_740_993L;
        state.Input["tenth"] = 0.1;
        state.Input["negativeZero"] = -0.0;
        state.Input["yes"] = true;
        state.Input["nothing"] = null;
        state.Input["text"] = "é \"quoted\" \u2028 line\nbreak";
        state.Input["__proto__"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["polluted"] = true };
        state.Variables["ordered"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["b"] = 1L, ["10"] = 2L, ["a"] = 3L, ["2"] = 4L };
        state.Variables["list"] = new List<object?> { 1L, 2.5, "x", null, true, new List<object?>(), new Dictionary<string, object?>() };
        state.Variables["caseless"] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Key"] = "v" };
        state.Variables["appointment"] = new Appointment("a-1", new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.FromHours(-5)), null);
        state.Variables["element"] = JsonDocument.Parse("""{"x":[1,{"y":null}]}""").RootElement.Clone();
        state.Outputs["patient"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Patient"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["firstName"] = "Ada", ["labs"] = new Dictionary<string, object?>(StringComparer.Ordinal) },
        };
        state.Outputs["empty"] = new Dictionary<string, object?>(StringComparer.Ordinal);
        return state;
    }

    private static object? Run(string source, WorkflowState state) =>
        JavaScriptExpression.Compile(source, new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state));

    [Fact]
    public void Scripts_SeeTheValues_AsJsonParseOfTheirJsonGivesThem()
    {
        var state = State();
        string Parsed(object value) => "JSON.parse(" + JsonSerializer.Serialize(JsonSerializer.Serialize(value)) + ")";

        var seen = Run("return JSON.stringify([variables, input, outputs]);", state);
        var parsed = Run($"return JSON.stringify([{Parsed(state.Variables)}, {Parsed(state.Input)}, {Parsed(state.Outputs)}]);", state);

        Assert.Equal(parsed, seen);
        Assert.Contains("\"appointment\":{\"Id\":\"a-1\",\"Start\":\"2026-11-28T08:00:00-05:00\",\"Minutes\":null}", (string)seen!);
    }

    [Fact]
    public void Numbers_KeepTheirJavaScriptValue()
    {
        var state = State();

        Assert.Equal(true, Run("return input.count === 3 && input.tenth === 0.1 && Object.is(input.negativeZero, -0) && input.big === 9007199254740992;", state));
        Assert.Equal(true, Run("return Array.isArray(variables.list) && variables.list.length === 7 && variables.list[3] === null;", state));
    }

    [Fact]
    public void A_ProtoKey_IsAnOwnDataProperty_AndLeavesThePrototypeAlone()
    {
        var state = State();

        Assert.Equal(true, Run("return Object.getPrototypeOf(input) === Object.prototype && Object.keys(input).includes('__proto__') && input.polluted === undefined;", state));
        Assert.Equal(true, Run("return input['__proto__'].polluted;", state));
    }
}
