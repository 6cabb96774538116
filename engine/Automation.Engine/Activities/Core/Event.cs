using Automation.Engine.Bookmarks;

namespace Automation.Engine.Activities.Core;

/// <summary>Waits for a named event. As the first activity of a published workflow, the event starts the workflow.
/// The instance's correlation id, when set, must match the event's.</summary>
[Activity("Elsa", "Primitives", "Waits for an event to be published.", Kind = ActivityKind.Trigger)]
public sealed class Event : Activity
{
    /// <summary>The event name.</summary>
    [Input(Description = "The name of the event to wait for.", Required = true)]
    public Input<string> EventName { get; set; } = new();

    /// <summary>The event's payload.</summary>
    [Output(Description = "The payload the event was published with.")]
    public Output<object> Result { get; set; } = new();

    /// <inheritdoc />
    public override object? GetTriggerPayload() =>
        EventName.TryGetConstant(out var name) && !string.IsNullOrEmpty(name) ? new EventPayload(name) : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (context.IsTriggerOfWorkflow)
        {
            context.Set(Result, context.WorkflowInput.GetValueOrDefault("payload"));
            context.Complete();
        }
        else
        {
            context.CreateBookmark(new EventPayload(context.Get(EventName) ?? ""), context.CorrelationId);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        context.Set(Result, context.ResumeInput);
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
