using Automation.Engine.Activities;

namespace Automation.Activities.Fhir.Activities;

/// <summary>
/// Waits until a FHIR subscription notifies a change of the resource this journey is correlated with (its correlation
/// id, e.g. <c>Appointment/123</c> as set by the <see cref="FhirSubscriptionTrigger"/>); the changed resource becomes
/// <see cref="Resource"/>.
/// </summary>
[Activity("Healthcare", "Healthcare", "Waits for a FHIR notification about the journey's correlated resource.", DisplayName = "Wait For FHIR Notification")]
public sealed class WaitForFhirNotification : Activity
{
    /// <summary>The configured subscription name.</summary>
    [Input(Description = "The subscription name, as configured under Fhir:Subscriptions.", Required = true)]
    public Input<string> Subscription { get; set; } = new();

    /// <summary>The resource type the notification is about.</summary>
    [Input(Description = "The resource type.", Options = ["Appointment", "Patient", "Encounter", "Condition", "Observation", "Coverage", "Consent"], DefaultValue = "Appointment")]
    public Input<string> ResourceType { get; set; } = new();

    /// <summary>The resource as notified.</summary>
    [Output(Description = "The resource the notification was about.")]
    public Output<object> Resource { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (string.IsNullOrEmpty(context.CorrelationId))
        {
            context.Fault("Waiting for a FHIR notification needs the journey's correlation id (the resource reference).");
            return ValueTask.CompletedTask;
        }

        context.CreateBookmark(new FhirNotificationPayload(context.Get(Subscription) ?? "", context.Get(ResourceType) ?? ""), context.CorrelationId);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        context.Set(Resource, context.ResumeInput);
        context.Complete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The bookmark payload of <see cref="WaitForFhirNotification"/>: the stimulus the processor sends for every
/// notification, correlated by the resource reference.</summary>
/// <param name="Subscription">The subscription name.</param>
/// <param name="ResourceType">The resource type.</param>
public sealed record FhirNotificationPayload(string Subscription, string ResourceType);
