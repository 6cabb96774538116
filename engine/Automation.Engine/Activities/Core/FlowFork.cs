namespace Automation.Engine.Activities.Core;

/// <summary>Starts every named branch at once.</summary>
[Activity("Elsa", "Branching", "Branches into parallel flows.", DisplayName = "Fork")]
[FlowNode]
public sealed class FlowFork : Activity
{
    /// <summary>The branch names; each becomes an outcome.</summary>
    [Input(UIHint = UIHints.DynamicOutcomes, Description = "A list of branch names.", DefaultSyntax = "Object")]
    public Input<List<string>> Branches { get; set; } = new();

    /// <inheritdoc />
    public override IEnumerable<string> GetDynamicOutcomes() =>
        Branches.TryGetConstant(out var branches) && branches is not null ? branches : [Outcomes.Done];

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var branches = context.Get(Branches);
        context.Complete(branches is { Count: > 0 } ? branches : [Outcomes.Done]);
        return ValueTask.CompletedTask;
    }
}
