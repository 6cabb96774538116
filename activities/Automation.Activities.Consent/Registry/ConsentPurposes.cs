namespace Automation.Activities.Consent.Registry;

/// <summary>
/// The purposes a journey asks consent for, and the FHIR <c>Consent.provision.purpose</c> codes (v3-ActReason) that
/// grant or deny each. Appointment and treatment reminders are <see cref="Treatment"/>, which under HIPAA is not
/// marketing, so a patient can allow one and refuse the other.
/// </summary>
public static class ConsentPurposes
{
    /// <summary>Marketing communications: FHIR purpose <c>HMARKT</c>.</summary>
    public const string Marketing = "marketing";

    /// <summary>Treatment communications, including appointment reminders: FHIR purposes <c>TREAT</c> and <c>ETREAT</c>.</summary>
    public const string Treatment = "treatment";

    /// <summary>The purposes the product knows (other lower-case tokens are accepted and matched by their own upper-case code).</summary>
    public static IReadOnlyList<string> Known { get; } = [Marketing, Treatment];

    /// <summary>The FHIR purpose codes that speak for a purpose.</summary>
    /// <param name="purpose">A purpose such as <see cref="Marketing"/>.</param>
    /// <returns>The v3-ActReason codes.</returns>
    public static IReadOnlyList<string> FhirCodes(string purpose) => purpose switch
    {
        Marketing => MarketingCodes,
        Treatment => TreatmentCodes,
        _ => [purpose.ToUpperInvariant()],
    };

    /// <summary>Checks a purpose name: a lower-case token of letters, digits and dashes.</summary>
    /// <param name="purpose">The purpose.</param>
    /// <returns>Whether it is well formed.</returns>
    public static bool IsValid(string? purpose) =>
        !string.IsNullOrEmpty(purpose) && purpose.Length <= 40 && purpose.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static readonly string[] MarketingCodes = ["HMARKT"];
    private static readonly string[] TreatmentCodes = ["TREAT", "ETREAT"];
}
