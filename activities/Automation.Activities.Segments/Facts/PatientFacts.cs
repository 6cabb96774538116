namespace Automation.Activities.Segments.Facts;

/// <summary>
/// What segments need to know about one patient, in a compact form: day numbers and minute stamps instead of dates,
/// small enums instead of strings, interned code strings, arrays of small structs. Built from a patient context (one
/// patient) or streamed from an NDJSON directory (a population), never holding FHIR objects. It is PHI-derived: keep
/// it out of logs.
/// </summary>
public sealed class PatientFacts
{
    /// <summary>The value of <see cref="BirthDay"/> and <see cref="Zip"/> when unknown.</summary>
    public const int Unknown = int.MinValue;

    /// <summary>The patient id (no <c>Patient/</c> prefix).</summary>
    public required string Id { get; init; }

    /// <summary>Birth date as <see cref="DateOnly.DayNumber"/>, or <see cref="Unknown"/>.</summary>
    public int BirthDay { get; set; } = Unknown;

    /// <summary>Administrative gender.</summary>
    public Gender Gender { get; set; }

    /// <summary>Preferred language (BCP-47, lower case, interned), or <c>null</c>.</summary>
    public string? Language { get; set; }

    /// <summary>State of the home address (upper case, interned), or <c>null</c>.</summary>
    public string? State { get; set; }

    /// <summary>The five-digit ZIP code as a number (02139 is 2139), or <see cref="Unknown"/>.</summary>
    public int Zip { get; set; } = Unknown;

    /// <summary>Coverages, with their periods.</summary>
    public CoverageEntry[] Coverages { get; set; } = [];

    /// <summary>One entry per coding of each condition.</summary>
    public ConditionEntry[] Conditions { get; set; } = [];

    /// <summary>Medication requests.</summary>
    public MedicationEntry[] Medications { get; set; } = [];

    /// <summary>The latest value per LOINC code.</summary>
    public LabEntry[] Labs { get; set; } = [];

    /// <summary>Immunizations.</summary>
    public ImmunizationEntry[] Immunizations { get; set; } = [];

    /// <summary>Encounters.</summary>
    public EncounterEntry[] Encounters { get; set; } = [];

    /// <summary>Appointments.</summary>
    public AppointmentEntry[] Appointments { get; set; } = [];

    /// <summary>Behavioural events.</summary>
    public EngagementEntry[] Engagement { get; set; } = [];
}
