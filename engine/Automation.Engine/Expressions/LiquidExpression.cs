using System.Collections.Concurrent;
using Automation.Engine.Execution;
using Fluid;

namespace Automation.Engine.Expressions;

/// <summary>
/// A Liquid template (Fluid), used for message texts. Templates see <c>Variables</c>, <c>Input</c>, <c>Outputs</c> and
/// <c>Workflow</c> (<c>CorrelationId</c>, <c>InstanceId</c>, <c>DefinitionId</c>).
/// </summary>
internal sealed class LiquidExpression : CompiledExpression
{
    private const int MaxCachedTemplates = 10_000;

    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Cache = new(StringComparer.Ordinal);
    private static readonly TemplateOptions Options = new() { MaxSteps = 100_000, MaxRecursion = 32 };

    private readonly IFluidTemplate template;
    private readonly string inputName;

    private LiquidExpression(IFluidTemplate template, string inputName)
    {
        this.template = template;
        this.inputName = inputName;
    }

    /// <exception cref="ExpressionException">The template does not parse.</exception>
    public static LiquidExpression Compile(string source, string inputName)
    {
        if (!Cache.TryGetValue(source, out var template))
        {
            if (!Parser.TryParse(source, out template, out var error))
            {
                throw new ExpressionException(inputName, "Liquid does not parse: " + error);
            }

            if (Cache.Count >= MaxCachedTemplates)
            {
                Cache.Clear(); // generated templates must not grow the cache without bound
            }

            Cache.TryAdd(source, template);
        }

        return new LiquidExpression(template, inputName);
    }

    public override object? Evaluate(ExpressionContext context)
    {
        var state = context.State;
        var templateContext = new TemplateContext(Options);
        templateContext.SetValue("Variables", state.Variables);
        templateContext.SetValue("Input", state.Input);
        templateContext.SetValue("Outputs", state.Outputs.ToDictionary(pair => pair.Key, pair => (object?)pair.Value, StringComparer.Ordinal));
        templateContext.SetValue("Workflow", new Dictionary<string, object?>
        {
            ["CorrelationId"] = state.CorrelationId,
            ["InstanceId"] = state.InstanceId,
            ["DefinitionId"] = state.DefinitionId,
            ["Now"] = context.Now,
        });
        try
        {
            return template.Render(templateContext);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ParseException or ArgumentException or FormatException)
        {
            throw new ExpressionException(inputName, "Liquid failed: " + exception.Message, exception);
        }
    }
}
