namespace Automation.Persistence.Notifications;

/// <summary>One FHIR subscription event received and waiting to be processed (the durable inbox row).</summary>
public sealed record FhirNotification
{
    /// <summary>The row id.</summary>
    public required string Id { get; init; }

    /// <summary>The configured subscription name it arrived on.</summary>
    public required string Subscription { get; init; }

    /// <summary>What makes it unique within the subscription: <c>event:&lt;n&gt;</c> (Backport) or
    /// <c>resource:&lt;type&gt;/&lt;id&gt;/&lt;versionId&gt;</c> (classic).</summary>
    public required string DedupeKey { get; init; }

    /// <summary>The focus reference (<c>Appointment/123</c>), when known.</summary>
    public string? Focus { get; init; }

    /// <summary>The focus resource's FHIR JSON when the notification carried it (full-resource payloads).</summary>
    public string? ResourceJson { get; init; }

    /// <summary>When it arrived.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>What the inbox knows about a subscription: handshakes, heartbeats, event numbers, gaps.</summary>
public sealed record SubscriptionState
{
    /// <summary>The configured subscription name.</summary>
    public required string Subscription { get; init; }

    /// <summary>The status the server last reported (requested, active, error, off), or <c>active</c> for classic pings.</summary>
    public string? Status { get; init; }

    /// <summary>The Backport topic URL, when known.</summary>
    public string? Topic { get; init; }

    /// <summary>The highest event number seen.</summary>
    public long LastEventNumber { get; init; }

    /// <summary>Event numbers that never arrived (comma-separated ranges such as <c>4-6,9</c>).</summary>
    public string Gaps { get; init; } = "";

    /// <summary>When anything last arrived (handshake, heartbeat or event).</summary>
    public DateTimeOffset? LastSeenAt { get; init; }
}
