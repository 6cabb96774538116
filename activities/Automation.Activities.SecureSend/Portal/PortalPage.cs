namespace Automation.Activities.SecureSend.Portal;

/// <summary>What the recipient should see next.</summary>
public enum PortalPage
{
    /// <summary>The first identity step: the date of birth.</summary>
    BirthDate,

    /// <summary>The second identity step: the one-time code just sent.</summary>
    Code,

    /// <summary>The decrypted message.</summary>
    Message,

    /// <summary>The link is not ours, was altered, or its message is gone.</summary>
    NotFound,

    /// <summary>The message expired.</summary>
    Expired,

    /// <summary>The sender retracted the message.</summary>
    Retracted,

    /// <summary>Too many wrong answers: locked until <see cref="PortalStep.LockedUntil"/>.</summary>
    Locked,
}

/// <summary>Why the current page is shown again.</summary>
public enum PortalProblem
{
    /// <summary>Nothing went wrong.</summary>
    None,

    /// <summary>The date of birth does not match the patient record.</summary>
    WrongBirthDate,

    /// <summary>The date of birth is not a date (YYYY-MM-DD).</summary>
    UnreadableBirthDate,

    /// <summary>The code is wrong.</summary>
    WrongCode,

    /// <summary>The code expired or was used: confirm the date of birth again for a new one.</summary>
    CodeExpired,

    /// <summary>The patient record could not be read to check the answer; try again later.</summary>
    CheckUnavailable,

    /// <summary>The code could not be sent; try again later.</summary>
    CodeNotSent,

    /// <summary>The identity step must be done (again) first: no or an expired session.</summary>
    SessionMissing,
}

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
