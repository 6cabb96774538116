namespace Automation.Activities.SecureSend.Portal;

/// <summary>The attempt counter after a wrong answer.</summary>
/// <param name="FailedAttempts">Wrong answers since the last lockout ended.</param>
/// <param name="LockedUntil">Set when this answer (or an earlier one) locked the message.</param>
internal readonly record struct PortalFailure(int FailedAttempts, DateTimeOffset? LockedUntil);
