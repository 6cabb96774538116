namespace Automation.Engine.Activities.Core;

/// <summary>Publishes a named event once this step commits: waiting <c>Elsa.Event</c> activities resume and
/// workflows with a matching event trigger start.</summary>
[Activity("Elsa", "Primitives", "Publishes an event.", DisplayName = "Publish Event")]
public sealed class PublishEvent : Activity
{
    /// <summary>The event name.</summary>
    [Input(Description = "The name of the event to publish.", Required = true)]
    public Input<string> EventName { get; set; } = new();

    /// <summary>Only instances with this correlation id are resumed, when set.</summary>
    [Input(Description = "The correlation id of the instances to resume.")]
    public Input<string> CorrelationId { get; set; } = new();

    /// <summary>Only instances sharing this instance's correlation id are resumed.</summary>
    [Input(Description = "Deliver only to instances with this instance's correlation id.", DisplayName = "Local event")]
    public Input<bool> IsLocalEvent { get; set; } = new();

    /// <summary>The payload.</summary>
    [Input(Description = "Data to hand to the resumed activities.")]
    public Input<object> Payload { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var correlationId = context.Get(IsLocalEvent) ? context.CorrelationId : context.Get(CorrelationId);
        context.PublishEvent(context.Get(EventName) ?? "", string.IsNullOrEmpty(correlationId) ? null : correlationId, context.Get(Payload));
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
