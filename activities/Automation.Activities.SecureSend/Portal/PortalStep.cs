namespace Automation.Activities.SecureSend.Portal;

/// <summary>The outcome of one step of the pickup flow.</summary>
public sealed record PortalStep
{
    /// <summary>The page to show.</summary>
    public required PortalPage Page { get; init; }

    /// <summary>Why a form is shown again.</summary>
    public PortalProblem Problem { get; init; }

    /// <summary>Wrong answers left before the lockout, when a form is shown again after one.</summary>
    public int? AttemptsLeft { get; init; }

    /// <summary>When a lockout ends.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>A signed value for the cookie of the next step (identity passed, or reading session), bound to the message.</summary>
    public string? SessionToken { get; init; }

    /// <summary>How long <see cref="SessionToken"/> lives.</summary>
    public TimeSpan? SessionLifetime { get; init; }

    /// <summary>The message, on <see cref="PortalPage.Message"/>.</summary>
    public PortalContent? Content { get; init; }
}
