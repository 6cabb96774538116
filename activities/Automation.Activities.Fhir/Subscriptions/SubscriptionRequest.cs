namespace Automation.Activities.Fhir.Subscriptions;

/// <summary>What to subscribe to and where notifications go.</summary>
public sealed record SubscriptionRequest
{
    /// <summary>The criteria, e.g. <c>Appointment?status=booked</c>.</summary>
    public required string Criteria { get; init; }

    /// <summary>Our rest-hook endpoint, <c>https://automation.example.org/fhir/subscriptions/&lt;name&gt;</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The secret the FHIR server presents as <c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
    public required string Secret { get; init; }

    /// <summary>For the R5 Subscriptions Backport profile: the SubscriptionTopic canonical URL; classic R4 when null.</summary>
    public string? BackportTopic { get; init; }

    /// <summary>Backport payload content: <c>empty</c>, <c>id-only</c> (default) or <c>full-resource</c>.</summary>
    public string Payload { get; init; } = "id-only";
}
