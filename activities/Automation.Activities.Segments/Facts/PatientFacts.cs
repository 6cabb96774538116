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

/// <summary>Administrative gender.</summary>
public enum Gender : byte
{
    /// <summary>Not recorded.</summary>
    Unknown,

    /// <summary>Male.</summary>
    Male,

    /// <summary>Female.</summary>
    Female,

    /// <summary>Other.</summary>
    Other,
}

/// <summary>Kinds of coverage.</summary>
public enum CoverageKind : byte
{
    /// <summary>Commercial (private) insurance.</summary>
    Commercial,

    /// <summary>Medicare.</summary>
    Medicare,

    /// <summary>Medicaid.</summary>
    Medicaid,

    /// <summary>Self-pay.</summary>
    SelfPay,
}

/// <summary>Code systems a segment may name.</summary>
public enum CodeSystem : byte
{
    /// <summary>Any other system.</summary>
    Other,

    /// <summary>ICD-10-CM (<c>http://hl7.org/fhir/sid/icd-10-cm</c>).</summary>
    Icd10Cm,

    /// <summary>SNOMED CT (<c>http://snomed.info/sct</c>).</summary>
    Snomed,
}

/// <summary>Encounter classes segments distinguish.</summary>
public enum EncounterClass : byte
{
    /// <summary>Any other class.</summary>
    Other,

    /// <summary>Ambulatory (AMB).</summary>
    Ambulatory,

    /// <summary>Inpatient (IMP).</summary>
    Inpatient,

    /// <summary>Emergency (EMER).</summary>
    Emergency,

    /// <summary>Virtual (VR).</summary>
    Virtual,
}

/// <summary>Appointment statuses segments distinguish.</summary>
public enum AppointmentState : byte
{
    /// <summary>Any other status (proposed, pending, waitlist, ...).</summary>
    Other,

    /// <summary>booked.</summary>
    Booked,

    /// <summary>fulfilled or arrived/checked-in.</summary>
    Fulfilled,

    /// <summary>noshow.</summary>
    NoShow,

    /// <summary>cancelled.</summary>
    Cancelled,
}

/// <summary>Kinds of behavioural event.</summary>
public enum EngagementKind : byte
{
    /// <summary>An e-mail open.</summary>
    Open,

    /// <summary>A click.</summary>
    Click,

    /// <summary>A portal sign-in.</summary>
    PortalLogin,

    /// <summary>A completed form.</summary>
    FormCompleted,
}

/// <summary>A coverage: kind, whether its status is active, and its period (day numbers; open ends are int.MinValue/int.MaxValue).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Active">Status active.</param>
/// <param name="StartDay">First day.</param>
/// <param name="EndDay">Last day.</param>
public readonly record struct CoverageEntry(CoverageKind Kind, bool Active, int StartDay, int EndDay);

/// <summary>One coding of a condition.</summary>
/// <param name="System">The code system.</param>
/// <param name="Code">The code (interned).</param>
/// <param name="Active">Clinical status active, recurrence or relapse.</param>
/// <param name="OnsetMinute">Onset in minutes since the Unix epoch, or int.MinValue.</param>
public readonly record struct ConditionEntry(CodeSystem System, string Code, bool Active, int OnsetMinute);

/// <summary>A medication request (RxNorm).</summary>
/// <param name="Code">The RxNorm code (interned).</param>
/// <param name="Active">Status active.</param>
public readonly record struct MedicationEntry(string Code, bool Active);

/// <summary>The latest value of one LOINC code.</summary>
/// <param name="Code">The LOINC code (interned).</param>
/// <param name="Value">The value.</param>
/// <param name="AtMinute">When, in minutes since the Unix epoch.</param>
public readonly record struct LabEntry(string Code, double Value, int AtMinute);

/// <summary>An immunization (CVX).</summary>
/// <param name="Code">The CVX code (interned).</param>
/// <param name="AtMinute">When, in minutes since the Unix epoch.</param>
/// <param name="Completed">Status completed.</param>
public readonly record struct ImmunizationEntry(string Code, int AtMinute, bool Completed);

/// <summary>An encounter.</summary>
/// <param name="Class">The class.</param>
/// <param name="StartMinute">Start, in minutes since the Unix epoch.</param>
/// <param name="EndMinute">End (the start when there is none).</param>
public readonly record struct EncounterEntry(EncounterClass Class, int StartMinute, int EndMinute);

/// <summary>An appointment.</summary>
/// <param name="State">Its status.</param>
/// <param name="StartMinute">Start, in minutes since the Unix epoch.</param>
public readonly record struct AppointmentEntry(AppointmentState State, int StartMinute);

/// <summary>A behavioural event.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="AtMinute">When, in minutes since the Unix epoch.</param>
/// <param name="Automated">Classified as automated (privacy proxy, scanner).</param>
public readonly record struct EngagementEntry(EngagementKind Kind, int AtMinute, bool Automated);
