namespace Automation.Engine.Activities.Core;

/// <summary>Merges branches: waits for all of them or for the first. The interpreter gates it by inbound connection.</summary>
[Activity("Elsa", "Branching", "Merges parallel flows.", DisplayName = "Join")]
public sealed class FlowJoin : Activity
{
    /// <summary>WaitAny (default) or WaitAll.</summary>
    [Input(Options = ["WaitAny", "WaitAll"], DefaultValue = "WaitAny", Description = "Wait for all inbound branches, or continue on the first.")]
    public Input<FlowJoinMode> Mode { get; set; } = new();

    internal FlowJoinMode GetMode(ActivityExecutionContext context) => context.Get(Mode);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
