namespace Automation.Activities.Segments.Facts;

/// <summary>Maps the strings FHIR and the patient context use onto the compact fact enums, and instants onto minutes.</summary>
internal static class FactCodes
{
    public const string Icd10CmUrl = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string SnomedUrl = "http://snomed.info/sct";

    public static Gender Gender(string? value) => value switch
    {
        "male" => Facts.Gender.Male,
        "female" => Facts.Gender.Female,
        "other" => Facts.Gender.Other,
        _ => Facts.Gender.Unknown,
    };

    public static CoverageKind Coverage(string? kind) => kind switch
    {
        "medicare" => CoverageKind.Medicare,
        "medicaid" => CoverageKind.Medicaid,
        "self-pay" => CoverageKind.SelfPay,
        _ => CoverageKind.Commercial,
    };

    public static CodeSystem System(string? url) => url switch
    {
        Icd10CmUrl => CodeSystem.Icd10Cm,
        SnomedUrl => CodeSystem.Snomed,
        _ => CodeSystem.Other,
    };

    public static EncounterClass Encounter(string? code) => code switch
    {
        "AMB" => EncounterClass.Ambulatory,
        "IMP" or "ACUTE" or "NONAC" => EncounterClass.Inpatient,
        "EMER" => EncounterClass.Emergency,
        "VR" => EncounterClass.Virtual,
        _ => EncounterClass.Other,
    };

    public static AppointmentState Appointment(string? status) => status switch
    {
        "booked" => AppointmentState.Booked,
        "fulfilled" or "arrived" or "checked-in" => AppointmentState.Fulfilled,
        "noshow" => AppointmentState.NoShow,
        "cancelled" => AppointmentState.Cancelled,
        _ => AppointmentState.Other,
    };

    public static EngagementKind? Engagement(string? canonicalType) => canonicalType switch
    {
        Fhir.Patients.EngagementTypes.Open => EngagementKind.Open,
        Fhir.Patients.EngagementTypes.Click => EngagementKind.Click,
        Fhir.Patients.EngagementTypes.PortalLogin => EngagementKind.PortalLogin,
        Fhir.Patients.EngagementTypes.FormCompleted => EngagementKind.FormCompleted,
        _ => null,
    };

    public static bool ConditionActive(string? clinicalStatus) => clinicalStatus is null or "active" or "recurrence" or "relapse";

    /// <summary>Minutes since the Unix epoch (floor), clamped to the int range.</summary>
    public static int Minute(DateTimeOffset instant)
    {
        var minutes = Math.Floor(instant.ToUnixTimeSeconds() / 60.0);
        return minutes >= int.MaxValue ? int.MaxValue : minutes <= int.MinValue + 1 ? int.MinValue + 1 : (int)minutes;
    }

    public static int Minute(DateTimeOffset? instant) => instant is { } value ? Minute(value) : int.MinValue;

    /// <summary>Parses a ZIP (the first five digits of <c>12345</c> or <c>12345-6789</c>) into a number.</summary>
    public static int Zip(ReadOnlySpan<char> text)
    {
        if (text.Length < 5)
        {
            return PatientFacts.Unknown;
        }

        var value = 0;
        for (var i = 0; i < 5; i++)
        {
            var c = text[i];
            if (c is < '0' or > '9')
            {
                return PatientFacts.Unknown;
            }

            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
