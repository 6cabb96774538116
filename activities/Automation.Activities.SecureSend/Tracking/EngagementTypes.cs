namespace Automation.Activities.SecureSend.Tracking;

/// <summary>The kinds of engagement events.</summary>
public static class EngagementTypes
{
    /// <summary>The open pixel was fetched.</summary>
    public const string Open = "open";

    /// <summary>A tracked link was followed.</summary>
    public const string Click = "click";

    /// <summary>The recipient unsubscribed through the message's link.</summary>
    public const string Unsubscribe = "unsubscribe";

    /// <summary>The patient signed in to the portal from the message.</summary>
    public const string PortalLogin = "portal_login";

    /// <summary>The patient completed a form the message asked for.</summary>
    public const string FormCompleted = "form_completed";

    /// <summary>Whether <paramref name="type"/> is one of the types.</summary>
    /// <param name="type">The type.</param>
    /// <returns>Whether it is known.</returns>
    public static bool IsValid(string? type) => type is Open or Click or Unsubscribe or PortalLogin or FormCompleted;
}
