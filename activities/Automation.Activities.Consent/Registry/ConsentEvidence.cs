namespace Automation.Activities.Consent.Registry;

/// <summary>What a consent decision rests on: a FHIR Consent (id and version) or one of our records (id).</summary>
/// <param name="Source"><c>fhir-consent</c> or <c>record</c>.</param>
/// <param name="Id">The Consent id or the record id.</param>
/// <param name="Version">The Consent's <c>meta.versionId</c>; <c>null</c> for records or unversioned resources.</param>
public sealed record ConsentEvidence(string Source, string Id, string? Version)
{
    /// <summary>The source name for FHIR Consent resources.</summary>
    public const string FhirConsent = "fhir-consent";

    /// <summary>The source name for our opt-in/opt-out records.</summary>
    public const string Record = "record";
}
