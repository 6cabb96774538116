namespace Automation.Activities.SecureSend.Policies;

/// <summary>The policy's answer for one message: a method, or blocked; always with a reason.</summary>
/// <param name="Method">The chosen method (see <see cref="DeliveryMethod"/>), or <c>null</c> when blocked.</param>
/// <param name="RequireTls">Whether delivery must refuse an SMTP connection without TLS 1.2+.</param>
/// <param name="Reason">Why, naming each method skipped and the rule used; free of PHI.</param>
public sealed record PolicyDecision(string? Method, bool RequireTls, string Reason)
{
    /// <summary>Whether nothing acceptable was found.</summary>
    public bool Blocked => Method is null;
}
