namespace Automation.Engine.Activities.Core;

/// <summary>Marks where a flowchart begins.</summary>
[Activity("Elsa", "Flow", "Marks the start of a flowchart.")]
public sealed class Start : Activity
{
    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
