using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Expressions;

namespace Automation.Engine.Tests.Expressions;

/// <summary>
/// Bare member paths (<c>return outputs.patient.Patient;</c>) are read without Jint; they must answer exactly as Jint
/// does. Each case compares the path with the same path in parentheses, which the fast path does not recognise, so
/// Jint evaluates it.
/// </summary>
public sealed class JavaScriptPathTests
{
    private static WorkflowState State()
    {
        var state = new WorkflowState { InstanceId = "i1", DefinitionId = "d1", DefinitionVersionId = "d1:1" };
        state.Input["patientId"] = "p-1";
        state.Input["count"] = 3;
        state.Input["ratio"] = 2.0;
        state.Input["half"] = 0.5;
        state.Input["nothing"] = null;
        state.Variables["config"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["a"] = new List<object?> { 1L, 2.5, "x", null, true } };
        state.Outputs["patient"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Patient"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["firstName"] = "Ada",
                ["timeZone"] = "America/New_York",
                ["labs"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["4548-4"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["value"] = 7.0, ["unit"] = "%" } },
                ["conditions"] = new List<object?> { new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = "E11.9" } },
            },
        };
        state.Outputs["when"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["At"] = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero) };
        return state;
    }

    public static TheoryData<string> Paths() =>
    [
        "outputs.patient.Patient",
        "outputs.patient.Patient.timeZone",
        "outputs.patient.Patient.labs['4548-4']",
        "outputs.patient.Patient.labs[\"4548-4\"].value",
        "outputs.patient.Patient.missing",
        "outputs.patient",
        "outputs",
        "input.patientId",
        "input.count",
        "input.ratio",
        "input.half",
        "input.nothing",
        "input",
        "variables.config",
        "variables.config.a",
        "outputs.when.At",
        "outputs.patient.Patient.conditions",
        "outputs.patient.Patient.constructor",
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public void BarePath_AnswersAsJintDoes(string path)
    {
        var state = State();

        var fast = JavaScriptExpression.Compile("return " + path + ";", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state));
        var jint = JavaScriptExpression.Compile("return (" + path + ");", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state));

        Assert.Equal(JsonSerializer.Serialize(jint), JsonSerializer.Serialize(fast));
        Assert.Equal(jint?.GetType(), fast?.GetType());
    }

    [Theory]
    [InlineData("return outputs.patient.Patient;", true)]
    [InlineData("outputs.patient.Patient.timeZone", true)]
    [InlineData("return input['patientId']", true)]
    [InlineData("return outputs.when.At;", false)] // a date is not plain JSON: Jint serializes it
    [InlineData("return outputs.absent.Patient;", false)] // a TypeError in JavaScript: Jint words it
    [InlineData("return outputs.patient.Patient.conditions.length;", false)] // arrays have members only Jint knows
    [InlineData("return input.patientId.toUpperCase();", false)]
    [InlineData("return outputs.__proto__;", false)]
    public void OnlyExactAnswers_TakeTheFastPath(string source, bool fast)
    {
        var path = JavaScriptPath.TryParse(source);

        var answered = path is not null && path.TryEvaluate(State(), out _);

        Assert.Equal(fast, answered);
    }

    [Fact]
    public void FastPath_ReturnsACopy_SoTheActivityCannotChangeTheInstanceState()
    {
        var state = State();

        var patient = (Dictionary<string, object?>)JavaScriptExpression.Compile("return outputs.patient.Patient;", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state))!;
        patient["firstName"] = "changed";

        Assert.Equal("Ada", ((Dictionary<string, object?>)state.Outputs["patient"]["Patient"]!)["firstName"]);
    }

    [Fact]
    public void MissingIntermediateMember_IsStillTheJavaScriptError()
    {
        var exception = Assert.Throws<ExpressionException>(() =>
            JavaScriptExpression.Compile("return outputs.absent.Patient;", new JavaScriptOptions(), "patient").Evaluate(new ExpressionContext(State())));

        Assert.Contains("JavaScript failed", exception.Message);
    }

    [Fact]
    public void ScriptsThatDoNotNameAGlobal_StillRun_AndThoseThatDo_SeeIt()
    {
        var state = State();

        var sum = JavaScriptExpression.Compile("return 1 + 2;", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state));
        var helper = JavaScriptExpression.Compile("return getInput('patientId') + '/' + getVariable('config').a.length;", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state));
        var computed = JavaScriptExpression.Compile("return globalThis['out' + 'puts'].patient.Patient.firstName;", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state));

        Assert.Equal(3L, sum);
        Assert.Equal("p-1/5", helper);
        Assert.Equal("Ada", computed);
    }

    [Theory]
    [InlineData("const s = outputs['send-a'] || outputs[\"send-b\"] || outputs.send_c; return s.MessageId;", "send-a,send-b,send_c")]
    [InlineData("return input.patientId || (outputs.noshow && outputs.noshow.Result ? outputs.noshow.Result.patientId : null);", "noshow")]
    [InlineData("return outputs . patient . Patient.firstName + outputs [ 'when' ].At;", "patient,when")]
    [InlineData("return outputs[key];", null)]
    [InlineData("return Object.keys(outputs).length;", null)]
    [InlineData("return JSON.stringify(outputs);", null)]
    [InlineData("return outputs?.patient;", null)]
    [InlineData("return outputs.hasOwnProperty('patient');", null)]
    [InlineData("return 'outputs';", null)]
    [InlineData("return globalThis.outputs.patient;", null)]
    [InlineData("return input.patientId;", null)]
    public void OutputsAScriptNamesLiterally_AreAllItCanReach(string source, string? keys)
    {
        var expression = JavaScriptExpression.Compile(source, new JavaScriptOptions(), "x");

        Assert.Equal(keys, expression.OutputKeys is null ? null : string.Join(",", expression.OutputKeys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void NarrowedOutputs_AnswerAsTheWholeOutputsDo()
    {
        var state = State();
        state.Outputs["send-b"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["MessageId"] = "m-2" };

        var narrowed = JavaScriptExpression.Compile("const s = outputs['send-a'] || outputs['send-b']; return s.MessageId + ' ' + outputs.patient.Patient.firstName;", new JavaScriptOptions(), "x");
        var whole = JavaScriptExpression.Compile("const o = outputs; const s = o['send-a'] || o['send-b']; return s.MessageId + ' ' + o.patient.Patient.firstName;", new JavaScriptOptions(), "x");

        Assert.NotNull(narrowed.OutputKeys);
        Assert.Null(whole.OutputKeys);
        Assert.Equal("m-2 Ada", narrowed.Evaluate(new ExpressionContext(state)));
        Assert.Equal(whole.Evaluate(new ExpressionContext(state)), narrowed.Evaluate(new ExpressionContext(state)));
        Assert.Equal(false, JavaScriptExpression.Compile("return outputs['send-a'] !== undefined;", new JavaScriptOptions(), "x").Evaluate(new ExpressionContext(state)));
    }
}
