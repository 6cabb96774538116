using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Acornima.Ast;
using Automation.Engine.Execution;
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
internal sealed partial class JavaScriptExpression : CompiledExpression
{
    private const string Prelude = "function getVariable(name) { return variables[name]; } function getInput(name) { return input[name]; }";

    // Elsa's scripts are function bodies ("return getVariable('x') > 3;"), so top-level return is allowed.
    private static readonly ScriptPreparationOptions Preparation = new()
    {
        ParsingOptions = ScriptParsingOptions.Default with { AllowReturnOutsideFunction = true },
    };

    private const int MaxCachedScripts = 10_000;

    private static readonly HashSet<string> ObjectMembers = new(StringComparer.Ordinal)
    {
        "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toString", "toLocaleString", "valueOf",
        "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    };

    private static readonly ConcurrentDictionary<string, Prepared<Script>> Cache = new(StringComparer.Ordinal);
    private static readonly Prepared<Script> PreparedPrelude = Jint.Engine.PrepareScript(Prelude, strict: true);

    private readonly Prepared<Script> script;
    private readonly JavaScriptOptions options;
    private readonly string inputName;
    private readonly JavaScriptPath? path;
    private readonly Globals globals;

    private JavaScriptExpression(Prepared<Script> script, JavaScriptOptions options, string inputName, JavaScriptPath? path, Globals globals, IReadOnlySet<string>? outputKeys)
    {
        this.script = script;
        this.options = options;
        this.inputName = inputName;
        this.path = path;
        this.globals = globals;
        OutputKeys = outputKeys;
    }

    /// <summary>The activity outputs the script can reach, when it names each of them literally (<c>outputs.send</c>,
    /// <c>outputs['send-1']</c>); <c>null</c> when it may reach any (every output is converted for Jint then).</summary>
    internal IReadOnlySet<string>? OutputKeys { get; }

    // The instance values a script can name; only those it names are converted for Jint (a patient context in the
    // outputs is large, and most scripts never read it).
    [Flags]
    private enum Globals
    {
        None = 0,
        Variables = 1,
        Input = 2,
        Outputs = 4,
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
            var globals = GlobalsNamedIn(source);
            var outputKeys = globals.HasFlag(Globals.Outputs) && !DynamicGlobalAccess().IsMatch(source) ? OutputKeysNamedIn(source) : null;
            return new JavaScriptExpression(prepared, options, inputName, JavaScriptPath.TryParse(source), globals, outputKeys);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new ExpressionException(inputName, "JavaScript does not parse: " + exception.Message, exception);
        }
    }

    public override object? Evaluate(ExpressionContext context)
    {
        if (path is not null && path.TryEvaluate(context.State, out var value))
        {
            return value;
        }

        var timeout = options.Timeout > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.Timeout;
        var engine = new Jint.Engine(o => o
            .Strict()
            .TimeoutInterval(timeout)
            .MaxStatements(options.MaxStatements)
            .LimitMemory(options.MemoryLimitBytes)
            .LimitRecursion(options.RecursionLimit));
        try
        {
            var state = context.State;
            var values = new ScriptValues(engine);
            engine.SetValue("variables", globals.HasFlag(Globals.Variables) ? values.From(state.Variables) : new JsObject(engine));
            engine.SetValue("input", globals.HasFlag(Globals.Input) ? values.From(state.Input) : new JsObject(engine));
            engine.SetValue("outputs", globals.HasFlag(Globals.Outputs) ? values.From(OutputsFor(state)) : new JsObject(engine));
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

    // Conservative: a name anywhere in the text (even in a string or comment) counts, and so does any computed access
    // (this, globalThis, eval) that could reach a global without naming it.
    private static Globals GlobalsNamedIn(string source)
    {
        if (DynamicGlobalAccess().IsMatch(source))
        {
            return Globals.Variables | Globals.Input | Globals.Outputs;
        }

        var named = Globals.None;
        if (Named(source, "variables") || Named(source, "getVariable"))
        {
            named |= Globals.Variables;
        }

        if (Named(source, "input") || Named(source, "getInput"))
        {
            named |= Globals.Input;
        }

        if (Named(source, "outputs"))
        {
            named |= Globals.Outputs;
        }

        return named;

        static bool Named(string text, string name) => Regex.IsMatch(text, @"(?<![\w$])" + name + @"(?![\w$])", RegexOptions.CultureInvariant);
    }

    // The outputs a script names, when every mention of "outputs" is a literal member access; any other mention (a
    // computed key, "outputs" passed along or written, or the word in a string) means all of them.
    private static HashSet<string>? OutputKeysNamedIn(string source)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match mention in OutputsMention().Matches(source))
        {
            var access = OutputsMemberAccess().Match(source, mention.Index);
            if (!access.Success || access.Index != mention.Index)
            {
                return null;
            }

            var key = access.Groups["name"].Success ? access.Groups["name"].Value : access.Groups["key"].Value;
            if (ObjectMembers.Contains(key))
            {
                return null; // outputs.hasOwnProperty('x') and the like look at every output
            }

            keys.Add(key);
        }

        return keys;
    }

    // A patient context in the outputs is large: only the outputs a script can reach are converted for Jint.
    private Dictionary<string, Dictionary<string, object?>> OutputsFor(WorkflowState state)
    {
        if (OutputKeys is null)
        {
            return state.Outputs;
        }

        var reachable = new Dictionary<string, Dictionary<string, object?>>(OutputKeys.Count, StringComparer.Ordinal);
        foreach (var key in OutputKeys)
        {
            if (state.Outputs.TryGetValue(key, out var output))
            {
                reachable[key] = output;
            }
        }

        return reachable;
    }

    [GeneratedRegex(@"(?<![\w$])outputs(?![\w$])", RegexOptions.CultureInvariant)]
    private static partial Regex OutputsMention();

    [GeneratedRegex(@"\Goutputs\s*(?:\.\s*(?<name>[A-Za-z_$][\w$]*)|\[\s*(?<q>['""])(?<key>[^'""\\]*)\k<q>\s*\])", RegexOptions.CultureInvariant)]
    private static partial Regex OutputsMemberAccess();

    [GeneratedRegex(@"(?<![\w$])(this|globalThis|eval|Function|Reflect|Object)(?![\w$])", RegexOptions.CultureInvariant)]
    private static partial Regex DynamicGlobalAccess();

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
