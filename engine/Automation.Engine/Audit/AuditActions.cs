namespace Automation.Engine.Audit;

/// <summary>The audit actions the product writes. Plugins may add their own dotted names.</summary>
public static class AuditActions
{
    /// <summary>The secure-send policy chose a method or blocked a message.</summary>
    public const string PolicyDecision = "policy.decision";

    /// <summary>A message was handed to the outbox for delivery.</summary>
    public const string MessageQueued = "message.queued";

    /// <summary>The SMTP server acknowledged a message.</summary>
    public const string MessageDelivered = "message.delivered";

    /// <summary>A message was permanently refused (or the TLS requirement could not be met).</summary>
    public const string MessageBounced = "message.bounced";

    /// <summary>A message could not be built or sent (template, key, certificate).</summary>
    public const string MessageFailed = "message.failed";

    /// <summary>A consent check, with the evidence used.</summary>
    public const string ConsentCheck = "consent.check";

    /// <summary>An opt-in or opt-out was recorded (unsubscribe, preference page, API).</summary>
    public const string ConsentRecorded = "consent.recorded";

    /// <summary>A portal pickup step (link opened, identity check, code sent, message read, lockout, retraction).</summary>
    public const string PortalAccess = "portal.access";

    /// <summary>A user or API key signed in (or failed to).</summary>
    public const string SignIn = "auth.signin";

    /// <summary>A configuration change: definition published or deleted, policy, recipient, user, segment.</summary>
    public const string ConfigurationChange = "config.change";
}
