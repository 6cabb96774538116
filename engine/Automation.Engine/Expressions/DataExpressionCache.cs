using System.Collections.Concurrent;
using System.Text.Json;

namespace Automation.Engine.Expressions;

/// <summary>
/// Compiled expressions that live in an activity's data rather than in its inputs (a FlowSwitch's case conditions),
/// for one definition version. Compiling a script means parsing and analysing it, which cost more than running a
/// three-case switch; cached, each case compiles once per version instead of once per run. Data computed per run could
/// hold a new expression every time, so the cache stops growing at <see cref="Capacity"/> entries and compiles anything
/// beyond that on every use.
/// </summary>
internal sealed class DataExpressionCache
{
    /// <summary>The most expressions kept for one definition version.</summary>
    public const int Capacity = 256;

    private readonly ConcurrentDictionary<(string Syntax, string Value, string InputName), CompiledExpression?> compiled = new();

    /// <summary>The compiled expression for a syntax, value and input name; <paramref name="compile"/> runs on a miss
    /// (an exception from it is not cached, so a broken script fails every run that reaches it).</summary>
    /// <param name="syntax">The expression syntax.</param>
    /// <param name="value">The expression text or literal value.</param>
    /// <param name="inputName">The name errors report.</param>
    /// <param name="compile">Compiles the expression.</param>
    /// <returns>The compiled expression, or <c>null</c> when there is nothing to evaluate.</returns>
    public CompiledExpression? GetOrCompile(string syntax, object? value, string inputName, Func<CompiledExpression?> compile)
    {
        // A string and the same text as a JSON value are different literals; the prefix keeps their keys apart.
        var key = (syntax, value is string text ? "s" + text : "j" + JsonSerializer.Serialize(value, Persistence.WorkflowStateJson.Options), inputName);
        if (compiled.TryGetValue(key, out var expression))
        {
            return expression;
        }

        expression = compile();
        if (compiled.Count < Capacity)
        {
            compiled.TryAdd(key, expression);
        }

        return expression;
    }

    /// <summary>How many expressions are cached.</summary>
    public int Count => compiled.Count;
}
