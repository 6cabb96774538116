namespace Automation.Engine.Activities;

/// <summary>
/// The base class of every activity. One instance serves every execution of its node in a compiled workflow, so an
/// activity keeps no per-execution state in fields: it reads inputs and writes outputs, variables and outcomes through
/// the <see cref="ActivityExecutionContext"/>. Services come through the constructor.
/// </summary>
public abstract class Activity
{
    /// <summary>Runs the activity. Complete it with <see cref="ActivityExecutionContext.Complete(string)"/>, suspend it
    /// with <see cref="ActivityExecutionContext.CreateBookmark"/>, or fault it with
    /// <see cref="ActivityExecutionContext.Fault(string)"/> (an exception thrown here faults it too). Returning without
    /// doing any of these completes it with <c>Done</c>.</summary>
    /// <param name="context">The execution context.</param>
    public abstract ValueTask ExecuteAsync(ActivityExecutionContext context);

    /// <summary>Called when one of this activity's bookmarks is resumed; the stimulus payload is in
    /// <see cref="ActivityExecutionContext.ResumeInput"/>. The default completes with <c>Done</c>.</summary>
    /// <param name="context">The execution context.</param>
    public virtual ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Outcomes that depend on the node's constant inputs (FlowFork branches, FlowSwitch cases), used to
    /// validate connections. Called after inputs are bound. The default is none beyond the declared
    /// <see cref="FlowNodeAttribute"/> outcomes.</summary>
    /// <returns>The outcome names.</returns>
    public virtual IEnumerable<string> GetDynamicOutcomes() => [];

    /// <summary>Problems with the node's constant inputs that only the activity can judge (for example a segment id
    /// that does not exist), reported by publish-time validation with the node's id. Called after inputs are bound.
    /// The default is none.</summary>
    /// <returns>One message per problem.</returns>
    public virtual IEnumerable<string> GetValidationProblems() => [];

    /// <summary>For trigger activities: the payload whose hash starts the workflow when a matching stimulus arrives
    /// (for example the event name), computed from constant inputs; <c>null</c> when the node cannot trigger.</summary>
    /// <returns>The payload, or <c>null</c>.</returns>
    public virtual object? GetTriggerPayload() => null;
}
