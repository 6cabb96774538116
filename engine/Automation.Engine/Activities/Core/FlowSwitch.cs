using Automation.Engine.Expressions;

namespace Automation.Engine.Activities.Core;

/// <summary>Follows the first case (or every case, in MatchAny mode) whose condition holds, else <c>Default</c>.</summary>
[Activity("Elsa", "Branching", "Follows the outcome of the first matching case.", DisplayName = "Switch")]
[FlowNode(Outcomes.Default)]
public sealed class FlowSwitch : Activity
{
    /// <summary>The cases: <c>[{label, condition:{type, value}}]</c>, stored unwrapped as Elsa does.</summary>
    [Input(UIHint = UIHints.FlowSwitchEditor, Description = "The cases to evaluate.")]
    public Input<List<SwitchCase>> Cases { get; set; } = new();

    /// <summary><c>MatchFirst</c> (default) or <c>MatchAny</c>.</summary>
    [Input(Options = ["MatchFirst", "MatchAny"], DefaultValue = "MatchFirst", Description = "Follow the first matching case, or every matching case.")]
    public Input<string> Mode { get; set; } = new();

    /// <inheritdoc />
    public override IEnumerable<string> GetDynamicOutcomes() =>
        Cases.TryGetConstant(out var cases) && cases is not null ? cases.Select(c => c.Label) : [];

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var matchAny = string.Equals(context.Get(Mode), "MatchAny", StringComparison.OrdinalIgnoreCase);
        var matched = new List<string>();
        foreach (var switchCase in context.Get(Cases) ?? [])
        {
            var condition = switchCase.Condition;
            var value = condition is null ? false : context.Evaluate<bool>(condition.Type, condition.Value, "Cases[" + switchCase.Label + "]");
            if (value)
            {
                matched.Add(switchCase.Label);
                if (!matchAny)
                {
                    break;
                }
            }
        }

        context.Complete(matched.Count > 0 ? matched : [Outcomes.Default]);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A FlowSwitch case.</summary>
/// <param name="Label">The case label, which is also its outcome.</param>
/// <param name="Condition">The condition expression.</param>
public sealed record SwitchCase(string Label, SwitchCondition? Condition);

/// <summary>A case condition: an expression syntax and its text.</summary>
/// <param name="Type">The syntax: Literal, JavaScript, Liquid, ...</param>
/// <param name="Value">The expression text or literal.</param>
public sealed record SwitchCondition(string Type, object? Value);
