using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;

namespace Automation.Engine.Expressions;

/// <summary>
/// A JavaScript expression run by Jint in a sandbox: strict mode, time, statement, memory and recursion limits, and no
/// CLR interop. Scripts see plain JSON values: <c>variables</c>, <c>input</c>, <c>outputs</c>, <c>correlationId</c>,
/// <c>workflowInstanceId</c>, <c>now</c> (the engine clock, ISO 8601, so scripts agree with timers under a test clock), and
/// the helpers <c>getVariable(name)</c> and <c>getInput(name)</c>.
/// </summary>
internal sealed class JavaScriptExpression : CompiledExpression
{
    private const string Prelude = "function getVariable(name) { return variables[name]; } function getInput(name) { return input[name]; }";

    // Elsa's scripts are function bodies ("return getVariable('x') > 3;"), so top-level return is allowed.
    private static readonly ScriptPreparationOptions Preparation = new()
    {
        ParsingOptions = ScriptParsingOptions.Default with { AllowReturnOutsideFunction = true },
    };

    private const int MaxCachedScripts = 10_000;

    private static readonly ConcurrentDictionary<string, Prepared<Script>> Cache = new(StringComparer.Ordinal);
    private static readonly Prepared<Script> PreparedPrelude = Jint.Engine.PrepareScript(Prelude, strict: true);

    private readonly Prepared<Script> script;
    private readonly JavaScriptOptions options;
    private readonly string inputName;

    private JavaScriptExpression(Prepared<Script> script, JavaScriptOptions options, string inputName)
    {
        this.script = script;
        this.options = options;
        this.inputName = inputName;
    }

    /// <summary>Parses (once per distinct source) and returns the expression.</summary>
    /// <exception cref="ExpressionException">The script does not parse.</exception>
    public static JavaScriptExpression Compile(string source, JavaScriptOptions options, string inputName)
    {
        try
        {
            if (Cache.Count >= MaxCachedScripts)
            {
                Cache.Clear(); // generated scripts must not grow the cache without bound
            }

            var prepared = Cache.GetOrAdd(source, static text => Jint.Engine.PrepareScript(text, strict: true, options: Preparation));
            return new JavaScriptExpression(prepared, options, inputName);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new ExpressionException(inputName, "JavaScript does not parse: " + exception.Message, exception);
        }
    }

    public override object? Evaluate(ExpressionContext context)
    {
        var timeout = options.Timeout > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.Timeout;
        var engine = new Jint.Engine(o => o
            .Strict()
            .TimeoutInterval(timeout)
            .MaxStatements(options.MaxStatements)
            .LimitMemory(options.MemoryLimitBytes)
            .LimitRecursion(options.RecursionLimit));
        try
        {
            var parser = new JsonParser(engine);
            var state = context.State;
            engine.SetValue("variables", parser.Parse(System.Text.Json.JsonSerializer.Serialize(state.Variables)));
            engine.SetValue("input", parser.Parse(System.Text.Json.JsonSerializer.Serialize(state.Input)));
            engine.SetValue("outputs", parser.Parse(System.Text.Json.JsonSerializer.Serialize(state.Outputs)));
            engine.SetValue("correlationId", state.CorrelationId is null ? JsValue.Null : new JsString(state.CorrelationId));
            engine.SetValue("workflowInstanceId", state.InstanceId);
            engine.SetValue("now", context.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            engine.Execute(in PreparedPrelude);
            var result = engine.Evaluate(in script);
            return ToPlain(engine, result);
        }
        catch (Exception exception) when (exception is JavaScriptException or StatementsCountOverflowException or MemoryLimitExceededException
                                              or TimeoutException or RecursionDepthOverflowException or ExecutionCanceledException
                                              or JintException)
        {
            throw new ExpressionException(inputName, "JavaScript failed: " + exception.Message, exception);
        }
    }

    private static object? ToPlain(Jint.Engine engine, JsValue value)
    {
        if (value.IsNull() || value.IsUndefined())
        {
            return null;
        }

        if (value.IsString())
        {
            return value.AsString();
        }

        if (value.IsBoolean())
        {
            return value.AsBoolean();
        }

        if (value.IsNumber())
        {
            var number = value.AsNumber();
            return number == Math.Floor(number) && Math.Abs(number) < 9e15 ? (object)(long)number : number;
        }

        var json = new JsonSerializer(engine).Serialize(value);
        return json.IsUndefined() ? null : PlainJson.Parse(json.AsString());
    }
}
