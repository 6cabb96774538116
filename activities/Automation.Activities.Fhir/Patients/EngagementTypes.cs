namespace Automation.Activities.Fhir.Patients;

/// <summary>The kinds of <see cref="EngagementFact"/>.</summary>
public static class EngagementTypes
{
    /// <summary>An e-mail was opened.</summary>
    public const string Open = "open";

    /// <summary>A link in an e-mail was clicked.</summary>
    public const string Click = "click";

    /// <summary>The patient signed in to the portal.</summary>
    public const string PortalLogin = "portal_login";

    /// <summary>The patient completed a form.</summary>
    public const string FormCompleted = "form_completed";

    /// <summary>Every type, in a fixed order.</summary>
    public static IReadOnlyList<string> All { get; } = [Open, Click, PortalLogin, FormCompleted];

    /// <summary>Maps the synthetic <c>Engagement.ndjson</c> names (<c>email-open</c>, <c>email-click</c>,
    /// <c>portal-login</c>, <c>form-completed</c>) and the canonical names to the canonical name.</summary>
    /// <param name="name">The name as written.</param>
    /// <returns>The canonical type, or <c>null</c> when unknown.</returns>
    public static string? Normalize(string? name) => name switch
    {
        "open" or "email-open" => Open,
        "click" or "email-click" => Click,
        "portal_login" or "portal-login" => PortalLogin,
        "form_completed" or "form-completed" => FormCompleted,
        _ => null,
    };
}
