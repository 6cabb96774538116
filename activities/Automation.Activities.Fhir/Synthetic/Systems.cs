namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Code system and extension URIs used in the synthetic population.</summary>
public static class Systems
{
    /// <summary>ICD-10-CM.</summary>
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";

    /// <summary>SNOMED CT.</summary>
    public const string Snomed = "http://snomed.info/sct";

    /// <summary>LOINC.</summary>
    public const string Loinc = "http://loinc.org";

    /// <summary>RxNorm.</summary>
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    /// <summary>CVX vaccine codes.</summary>
    public const string Cvx = "http://hl7.org/fhir/sid/cvx";

    /// <summary>UCUM units.</summary>
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>HL7 v3 ActCode (encounter class, coverage kind, consent policy).</summary>
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /// <summary>HL7 v3 ActReason (consent purpose: TREAT, HMARKT).</summary>
    public const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    /// <summary>Source of Payment Typology (payer type: 1 Medicare, 2 Medicaid, 5 private, 81 self-pay), as US Core uses it.</summary>
    public const string PayerType = "https://nahdo.org/sopt";

    /// <summary>BCP 47 language tags.</summary>
    public const string Language = "urn:ietf:bcp:47";

    /// <summary>Our medical record numbers.</summary>
    public const string Mrn = "https://automation.example.org/fhir/mrn";

    /// <summary>Our extension on <c>Consent.provision</c>: the channel it covers, a <c>valueCoding</c> from <see cref="ContactPointSystem"/> (email, sms, phone).</summary>
    public const string ConsentChannelExtension = "https://automation.example.org/fhir/StructureDefinition/consent-channel";

    /// <summary>FHIR ContactPoint system codes (used for the consent channel).</summary>
    public const string ContactPointSystem = "http://hl7.org/fhir/contact-point-system";
}
