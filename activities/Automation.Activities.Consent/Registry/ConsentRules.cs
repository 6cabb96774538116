namespace Automation.Activities.Consent.Registry;

/// <summary>The names of the rules a <see cref="ConsentDecision"/> cites, in order of precedence.</summary>
public static class ConsentRules
{
    /// <summary>An active FHIR Consent denies the purpose on the channel now. Beats every permit and every record.</summary>
    public const string FhirDeny = "fhir-deny";

    /// <summary>Our latest record is an opt-out, newer than any current FHIR permit.</summary>
    public const string OptOutRecord = "opt-out-record";

    /// <summary>Our latest record is an opt-in, newer than any current FHIR permit.</summary>
    public const string OptInRecord = "opt-in-record";

    /// <summary>An active FHIR Consent permits the purpose on the channel now, and no newer record says otherwise.</summary>
    public const string FhirPermit = "fhir-permit";

    /// <summary>Denied: the only permit's period has ended.</summary>
    public const string FhirPermitExpired = "fhir-permit-expired";

    /// <summary>Denied: the only permit's period has not started.</summary>
    public const string FhirPermitNotYetValid = "fhir-permit-not-yet-valid";

    /// <summary>Denied: the only permit is inactive, rejected or entered in error (revoked).</summary>
    public const string FhirPermitRevoked = "fhir-permit-revoked";

    /// <summary>Denied: nothing permits the purpose on the channel (fail closed).</summary>
    public const string NoConsent = "no-consent";
}
