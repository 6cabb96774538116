namespace Automation.Engine.Activities.Core;

/// <summary>Follows <c>True</c> or <c>False</c> depending on a condition.</summary>
[Activity("Elsa", "Branching", "Evaluates a condition and follows True or False.", DisplayName = "Decision")]
[FlowNode(Outcomes.True, Outcomes.False)]
public sealed class FlowDecision : Activity
{
    /// <summary>The condition.</summary>
    [Input(Description = "The condition to evaluate.", UIHint = UIHints.SingleLine, DefaultValue = false)]
    public Input<bool> Condition { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(context.Get(Condition) ? Outcomes.True : Outcomes.False);
        return ValueTask.CompletedTask;
    }
}
