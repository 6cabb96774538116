namespace Automation.Activities.Consent.Registry;

/// <summary>Where an opt-in/opt-out record came from.</summary>
public static class ConsentSources
{
    /// <summary>The unsubscribe link (or RFC 8058 one-click) of a message.</summary>
    public const string UnsubscribeLink = "unsubscribe-link";

    /// <summary>The patient's preference page.</summary>
    public const string PreferencePage = "preference-page";

    /// <summary>The API (staff on the patient's behalf).</summary>
    public const string Api = "api";

    /// <summary>A bulk import.</summary>
    public const string Import = "import";

    /// <summary>Whether <paramref name="source"/> is one of the known sources.</summary>
    /// <param name="source">The source.</param>
    /// <returns>Whether it is known.</returns>
    public static bool IsValid(string? source) => source is UnsubscribeLink or PreferencePage or Api or Import;
}
