namespace Automation.Engine.Activities.Core;

/// <summary>Finishes the whole workflow instance at once: pending branches and bookmarks are dropped.</summary>
[Activity("Elsa", "Primitives", "Finishes the workflow.")]
[FlowNode]
public sealed class Finish : Activity
{
    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.FinishWorkflow();
        return ValueTask.CompletedTask;
    }
}
