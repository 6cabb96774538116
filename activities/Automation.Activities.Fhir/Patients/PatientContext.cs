namespace Automation.Activities.Fhir.Patients;

/// <summary>
/// Everything a journey needs to know about one patient, read from FHIR R4: the one object that segments, consent
/// checks and message templates read. It is PHI: keep it out of logs; workflows see it as plain JSON (see
/// <see cref="ToPlain"/>).
/// </summary>
public sealed record PatientContext
{
    /// <summary>The Patient resource id.</summary>
    public required string Id { get; init; }

    /// <summary>Given name(s).</summary>
    public string? FirstName { get; init; }

    /// <summary>Family name.</summary>
    public string? LastName { get; init; }

    /// <summary>Birth date.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>Administrative gender: male, female, other, unknown.</summary>
    public string? Gender { get; init; }

    /// <summary>The first e-mail ContactPoint, if any.</summary>
    public string? Email { get; init; }

    /// <summary>The first phone ContactPoint, if any.</summary>
    public string? Phone { get; init; }

    /// <summary>Preferred language (BCP-47 code, e.g. <c>en</c>, <c>es</c>).</summary>
    public string? Language { get; init; }

    /// <summary>Home address.</summary>
    public PatientAddress? Address { get; init; }

    /// <summary>Coverage kinds in force (e.g. commercial, medicare, medicaid, self-pay).</summary>
    public IReadOnlyList<CoverageFact> Coverages { get; init; } = [];

    /// <summary>Conditions with all their codings.</summary>
    public IReadOnlyList<ConditionFact> Conditions { get; init; } = [];

    /// <summary>Medication requests.</summary>
    public IReadOnlyList<MedicationFact> Medications { get; init; } = [];

    /// <summary>The latest value of each lab or vital (by LOINC code).</summary>
    public IReadOnlyDictionary<string, LabFact> LatestLabs { get; init; } = new Dictionary<string, LabFact>();

    /// <summary>Immunizations.</summary>
    public IReadOnlyList<ImmunizationFact> Immunizations { get; init; } = [];

    /// <summary>Appointments, past and future.</summary>
    public IReadOnlyList<AppointmentFact> Appointments { get; init; } = [];

    /// <summary>Encounters.</summary>
    public IReadOnlyList<EncounterFact> Encounters { get; init; } = [];

    /// <summary>FHIR Consent resources about the patient.</summary>
    public IReadOnlyList<ConsentFact> Consents { get; init; } = [];

    /// <summary>Behavioural events (opens, clicks, portal logins, completed forms), oldest first: from the synthetic
    /// <c>Engagement.ndjson</c> or from live tracking.</summary>
    public IReadOnlyList<EngagementFact> Engagement { get; init; } = [];

    /// <summary>Age in whole years at <paramref name="on"/>.</summary>
    /// <param name="on">The date.</param>
    /// <returns>The age, or <c>null</c> without a birth date.</returns>
    public int? AgeOn(DateOnly on)
    {
        if (BirthDate is not { } birth)
        {
            return null;
        }

        var age = on.Year - birth.Year;
        return birth.AddYears(age) > on ? age - 1 : age;
    }

    /// <summary>The workflow view: plain JSON values with camelCase keys. JavaScript reads it as
    /// <c>outputs.&lt;activityId&gt;.Patient.conditions[0].code</c>, Liquid as
    /// <c>{{ Outputs.&lt;activityId&gt;.Patient.firstName }}</c>.</summary>
    /// <param name="today">The date ages are computed on.</param>
    /// <returns>The plain view.</returns>
    public Dictionary<string, object?> ToPlain(DateOnly today) => PatientContextJson.ToPlain(this, today);
}

/// <summary>A postal address.</summary>
public sealed record PatientAddress(string? Line, string? City, string? State, string? PostalCode);

/// <summary>A coverage in force.</summary>
public sealed record CoverageFact(string Kind, string? Code, DateOnly? Start, DateOnly? End, string Status);

/// <summary>A condition; <see cref="Codings"/> holds every (system, code) pair.</summary>
public sealed record ConditionFact(string Code, string? System, string? Display, string? ClinicalStatus, DateTimeOffset? Onset, IReadOnlyList<Coding> Codings);

/// <summary>A code in a code system.</summary>
public sealed record Coding(string? System, string Code);

/// <summary>A medication request.</summary>
public sealed record MedicationFact(string Code, string? Display, string Status, DateTimeOffset? AuthoredOn);

/// <summary>A lab or vital value (components such as systolic/diastolic become their own LOINC entries).</summary>
public sealed record LabFact(string Code, decimal? Value, string? Unit, DateTimeOffset? EffectiveAt);

/// <summary>An immunization (CVX code).</summary>
public sealed record ImmunizationFact(string Code, string Status, DateTimeOffset? OccurredAt);

/// <summary>An appointment.</summary>
public sealed record AppointmentFact(string Id, string Status, DateTimeOffset? Start, DateTimeOffset? End, string? Practitioner, string? Location, string? Description);

/// <summary>An encounter (class AMB, IMP, EMER, ...).</summary>
public sealed record EncounterFact(string Id, string? Class, string Status, DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>A FHIR Consent: permit or deny for purposes (e.g. HMARKT, TREAT) and channels, over a period.</summary>
/// <param name="Id">The Consent resource id.</param>
/// <param name="Status">active, inactive, rejected, entered-in-error, draft, proposed.</param>
/// <param name="Decision">The provision type: permit or deny.</param>
/// <param name="Purposes">The provision's purpose codes (v3-ActReason, e.g. HMARKT, TREAT).</param>
/// <param name="Channels">The contact-point systems it covers (email, sms); empty means every channel.</param>
/// <param name="Start">Start of the provision period.</param>
/// <param name="End">End of the provision period.</param>
/// <param name="VersionId">The resource version (<c>meta.versionId</c>), the evidence a consent check cites.</param>
/// <param name="DateTime">When the consent was given (<c>Consent.dateTime</c>), used to order it against opt-in/opt-out records.</param>
public sealed record ConsentFact(string Id, string Status, string? Decision, IReadOnlyList<string> Purposes, IReadOnlyList<string> Channels, DateTimeOffset? Start, DateTimeOffset? End,
    string? VersionId = null, DateTimeOffset? DateTime = null);

/// <summary>One behavioural event: what the patient did (<see cref="EngagementTypes"/>), when, and whether it looks
/// automated (a privacy proxy or a mail scanner fetching the open pixel or following a link, not a person).</summary>
/// <param name="Type">One of <see cref="EngagementTypes"/>: <c>open</c>, <c>click</c>, <c>portal_login</c>, <c>form_completed</c>.</param>
/// <param name="At">When it happened (UTC).</param>
/// <param name="Automated"><c>true</c> when the event was classified as automated; segments ignore those by default.</param>
/// <param name="MessageId">The message it relates to, when there is one.</param>
public sealed record EngagementFact(string Type, DateTimeOffset At, bool Automated = false, string? MessageId = null);
