namespace Automation.Activities.SecureSend.Tracking;

/// <summary>One engagement event, classified as human or automated so machine opens do not inflate engagement.</summary>
public sealed record EngagementEvent
{
    /// <summary>The event id.</summary>
    public required string EventId { get; init; }

    /// <summary>The message it is about.</summary>
    public required string MessageId { get; init; }

    /// <summary>The patient the message went to.</summary>
    public required string PatientId { get; init; }

    /// <summary>One of <see cref="EngagementTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Whether a machine (privacy proxy, mail scanner) rather than a person caused it.</summary>
    public required bool Automated { get; init; }

    /// <summary>Why it was classified automated (see <see cref="EngagementClassifier"/>); <c>null</c> for human events.</summary>
    public string? Reason { get; init; }

    /// <summary>SHA-256 (first 16 bytes, hex) of the user agent, never the raw string; <c>null</c> when none was sent.</summary>
    public string? UserAgentHash { get; init; }
}
