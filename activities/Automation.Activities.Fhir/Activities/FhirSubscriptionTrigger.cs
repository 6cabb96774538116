using Automation.Engine.Activities;

namespace Automation.Activities.Fhir.Activities;

/// <summary>
/// Starts the journey once per FHIR subscription notification whose focus resource matches: as the first activity of
/// a published journey, each matching event (de-duplicated by the inbox) starts one instance, correlated by the
/// resource reference, with the resource in <see cref="Resource"/>.
/// </summary>
[Activity("Healthcare", "Healthcare", "Starts the journey for each matching FHIR subscription notification.", DisplayName = "FHIR Subscription Trigger", Kind = ActivityKind.Trigger)]
public sealed class FhirSubscriptionTrigger : Activity
{
    /// <summary>The configured subscription name (<c>Fhir:Subscriptions:&lt;name&gt;</c>).</summary>
    [Input(Description = "The subscription name, as configured under Fhir:Subscriptions.", Required = true)]
    public Input<string> Subscription { get; set; } = new();

    /// <summary>The focus resource type, e.g. <c>Appointment</c>.</summary>
    [Input(Description = "The resource type the journey starts for.", Options = ["Appointment", "Patient", "Encounter", "Condition", "Observation", "Coverage", "Consent"], DefaultValue = "Appointment")]
    public Input<string> ResourceType { get; set; } = new();

    /// <summary>A search-style filter on the resource, e.g. <c>status=booked</c> or <c>status=booked,pending</c>.</summary>
    [Input(Description = "Only resources matching this filter start the journey, e.g. status=booked (several: a=b&c=d).")]
    public Input<string> Filter { get; set; } = new();

    /// <summary>The focus resource (FHIR JSON) of the notification that started the journey.</summary>
    [Output(Description = "The resource the notification was about.")]
    public Output<object> Resource { get; set; } = new();

    /// <inheritdoc />
    public override object? GetTriggerPayload() =>
        Subscription.TryGetConstant(out var subscription) && !string.IsNullOrEmpty(subscription) && ResourceType.TryGetConstant(out var type) && !string.IsNullOrEmpty(type)
            ? new FhirSubscriptionTriggerPayload(subscription, type, Filter.TryGetConstant(out var filter) ? filter : null)
            : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (!context.IsTriggerOfWorkflow)
        {
            context.Fault("A FHIR Subscription Trigger only starts journeys; place it first, with no inbound connection.");
            return ValueTask.CompletedTask;
        }

        context.Set(Resource, context.WorkflowInput.GetValueOrDefault("resource"));
        context.Complete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>What a <see cref="FhirSubscriptionTrigger"/> listens for.</summary>
/// <param name="Subscription">The subscription name.</param>
/// <param name="ResourceType">The focus resource type.</param>
/// <param name="Filter">The search-style filter, if any.</param>
public sealed record FhirSubscriptionTriggerPayload(string Subscription, string ResourceType, string? Filter)
{
    /// <summary>Whether a focus resource (plain JSON) matches the filter: <c>name=value[,value]</c> terms joined by
    /// <c>&amp;</c>, names as dotted paths into the resource (<c>status</c>, <c>serviceType.text</c>).</summary>
    /// <param name="resource">The resource as plain JSON.</param>
    /// <returns><c>true</c> when every term matches.</returns>
    public bool Matches(IReadOnlyDictionary<string, object?> resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (string.IsNullOrWhiteSpace(Filter))
        {
            return true;
        }

        foreach (var term in Filter.Split('&', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = term.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                return false;
            }

            object? value = resource;
            foreach (var part in term[..separator].Split('.'))
            {
                value = value is IReadOnlyDictionary<string, object?> map ? map.GetValueOrDefault(part) : value is IDictionary<string, object?> dictionary ? dictionary.TryGetValue(part, out var v) ? v : null : null;
            }

            var wanted = term[(separator + 1)..].Split(',', StringSplitOptions.TrimEntries);
            if (!wanted.Contains(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
