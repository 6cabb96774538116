namespace Automation.Engine.Activities.Core;

/// <summary>Ends the flowchart at once: other branches and bookmarks are dropped. On the root flowchart this finishes
/// the workflow.</summary>
[Activity("Elsa", "Flow", "Marks the end of a flowchart.")]
[FlowNode]
public sealed class End : Activity
{
    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.FinishWorkflow();
        return ValueTask.CompletedTask;
    }
}
