namespace Automation.Activities.Consent.Registry;

/// <summary>The channels consent is given for (FHIR contact-point-system codes), plus <see cref="All"/>.</summary>
public static class ConsentChannels
{
    /// <summary>E-mail.</summary>
    public const string Email = "email";

    /// <summary>Text messages.</summary>
    public const string Sms = "sms";

    /// <summary>Every channel: a record for <c>all</c> speaks for each of them.</summary>
    public const string All = "all";

    /// <summary>The concrete channels (the preference page offers these).</summary>
    public static IReadOnlyList<string> Concrete { get; } = [Email, Sms];

    /// <summary>Whether <paramref name="channel"/> is <c>email</c>, <c>sms</c> or <c>all</c>.</summary>
    /// <param name="channel">The channel.</param>
    /// <returns>Whether it is known.</returns>
    public static bool IsValid(string? channel) => channel is Email or Sms or All;
}
