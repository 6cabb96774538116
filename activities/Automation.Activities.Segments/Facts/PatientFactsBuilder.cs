using System.Globalization;
using Automation.Activities.Fhir.Patients;
using Automation.Engine.Expressions;

namespace Automation.Activities.Segments.Facts;

/// <summary>Builds <see cref="PatientFacts"/> for one patient, from a <see cref="PatientContext"/> or from its plain
/// JSON view (what <c>Healthcare.FetchPatient</c> outputs and a workflow carries in its state).</summary>
public static class PatientFactsBuilder
{
    /// <summary>Builds the facts of a patient context.</summary>
    /// <param name="patient">The context.</param>
    /// <returns>The facts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patient"/> is null.</exception>
    public static PatientFacts From(PatientContext patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new PatientFacts
        {
            Id = patient.Id,
            BirthDay = patient.BirthDate?.DayNumber ?? PatientFacts.Unknown,
            Gender = FactCodes.Gender(patient.Gender),
            Language = Intern(patient.Language?.ToLowerInvariant()),
            State = Intern(patient.Address?.State?.ToUpperInvariant()),
            Zip = patient.Address?.PostalCode is { } zip ? FactCodes.Zip(zip) : PatientFacts.Unknown,
            Coverages = [.. patient.Coverages.Select(c => new CoverageEntry(FactCodes.Coverage(c.Kind), c.Status == "active", c.Start?.DayNumber ?? int.MinValue, c.End?.DayNumber ?? int.MaxValue))],
            Conditions = [.. patient.Conditions.SelectMany(c => c.Codings.Select(x => new ConditionEntry(FactCodes.System(x.System), string.Intern(x.Code), FactCodes.ConditionActive(c.ClinicalStatus), FactCodes.Minute(c.Onset))))],
            Medications = [.. patient.Medications.Select(m => new MedicationEntry(string.Intern(m.Code), m.Status == "active"))],
            Labs = [.. patient.LatestLabs.Values.Where(l => l.Value is not null).Select(l => new LabEntry(string.Intern(l.Code), (double)l.Value!.Value, FactCodes.Minute(l.EffectiveAt)))],
            Immunizations = [.. patient.Immunizations.Select(i => new ImmunizationEntry(string.Intern(i.Code), FactCodes.Minute(i.OccurredAt), i.Status == "completed"))],
            Encounters = [.. patient.Encounters.Where(e => e.Start is not null).Select(e => new EncounterEntry(FactCodes.Encounter(e.Class), FactCodes.Minute(e.Start), FactCodes.Minute(e.End ?? e.Start)))],
            Appointments = [.. patient.Appointments.Where(a => a.Start is not null).Select(a => new AppointmentEntry(FactCodes.Appointment(a.Status), FactCodes.Minute(a.Start)))],
            Engagement = [.. patient.Engagement.Select(e => (Kind: FactCodes.Engagement(EngagementTypes.Normalize(e.Type)), e)).Where(x => x.Kind is not null).Select(x => new EngagementEntry(x.Kind!.Value, FactCodes.Minute(x.e.At), x.e.Automated))],
        };
    }

    /// <summary>Builds the facts of a patient context's plain JSON view (a dictionary with <c>id</c>, <c>birthDate</c>,
    /// <c>conditions</c>, ... as README documents; a <c>JsonElement</c> or JSON text of it works too).</summary>
    /// <param name="plain">The view.</param>
    /// <returns>The facts.</returns>
    /// <exception cref="ArgumentException">The value is not a patient context view (no object, or no <c>id</c>).</exception>
    public static PatientFacts FromPlain(object? plain)
    {
        var normalized = plain is string text ? ParseText(text) : PlainJson.Normalize(plain);
        if (normalized is not IReadOnlyDictionary<string, object?> root || Str(root, "id") is not { Length: > 0 } id)
        {
            throw new ArgumentException("The patient must be a patient context object (the Patient output of Healthcare.FetchPatient) with an 'id'.", nameof(plain));
        }

        var address = root.GetValueOrDefault("address") as IReadOnlyDictionary<string, object?>;
        return new PatientFacts
        {
            Id = id.StartsWith("Patient/", StringComparison.Ordinal) ? id["Patient/".Length..] : id,
            BirthDay = Date(Str(root, "birthDate")) ?? PatientFacts.Unknown,
            Gender = FactCodes.Gender(Str(root, "gender")),
            Language = Intern(Str(root, "language")?.ToLowerInvariant()),
            State = Intern(address is null ? null : Str(address, "state")?.ToUpperInvariant()),
            Zip = address is not null && Str(address, "postalCode") is { } zip ? FactCodes.Zip(zip) : PatientFacts.Unknown,
            Coverages = [.. Items(root, "coverages").Select(c => new CoverageEntry(FactCodes.Coverage(Str(c, "kind")), Str(c, "status") == "active", Date(Str(c, "start")) ?? int.MinValue, Date(Str(c, "end")) ?? int.MaxValue))],
            Conditions = [.. Items(root, "conditions").SelectMany(Codings)],
            Medications = [.. Items(root, "medications").Where(m => Str(m, "code") is not null).Select(m => new MedicationEntry(string.Intern(Str(m, "code")!), Str(m, "status") == "active"))],
            Labs = [.. LabItems(root)],
            Immunizations = [.. Items(root, "immunizations").Where(i => Str(i, "code") is not null).Select(i => new ImmunizationEntry(string.Intern(Str(i, "code")!), Minute(Str(i, "at")), Str(i, "status") == "completed"))],
            Encounters = [.. Items(root, "encounters").Where(e => Str(e, "start") is not null).Select(e => new EncounterEntry(FactCodes.Encounter(Str(e, "class")), Minute(Str(e, "start")), Minute(Str(e, "end") ?? Str(e, "start"))))],
            Appointments = [.. Items(root, "appointments").Where(a => Str(a, "start") is not null).Select(a => new AppointmentEntry(FactCodes.Appointment(Str(a, "status")), Minute(Str(a, "start"))))],
            Engagement = [.. Items(root, "engagement").Select(e => (Kind: FactCodes.Engagement(EngagementTypes.Normalize(Str(e, "type"))), e)).Where(x => x.Kind is not null && Str(x.e, "at") is not null)
                .Select(x => new EngagementEntry(x.Kind!.Value, Minute(Str(x.e, "at")), x.e.GetValueOrDefault("automated") is true))],
        };
    }

    internal static string? Intern(string? value) => value is null ? null : string.Intern(value);

    private static object? ParseText(string text)
    {
        try
        {
            return PlainJson.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<ConditionEntry> Codings(IReadOnlyDictionary<string, object?> condition)
    {
        var active = FactCodes.ConditionActive(Str(condition, "clinicalStatus"));
        var onset = Minute(Str(condition, "onset"));
        var codings = Items(condition, "codings").Where(c => Str(c, "code") is not null).ToList();
        if (codings.Count > 0)
        {
            return codings.Select(c => new ConditionEntry(FactCodes.System(Str(c, "system")), string.Intern(Str(c, "code")!), active, onset));
        }

        // Older views carry only the first coding's system and the bare codes.
        return Str(condition, "code") is { } code ? [new ConditionEntry(FactCodes.System(Str(condition, "system")), string.Intern(code), active, onset)] : [];
    }

    private static IEnumerable<LabEntry> LabItems(IReadOnlyDictionary<string, object?> root)
    {
        if (root.GetValueOrDefault("labs") is not IReadOnlyDictionary<string, object?> labs)
        {
            yield break;
        }

        foreach (var (code, value) in labs)
        {
            if (value is IReadOnlyDictionary<string, object?> lab && lab.GetValueOrDefault("value") is { } number && number is long or double)
            {
                yield return new LabEntry(string.Intern(code), Convert.ToDouble(number, CultureInfo.InvariantCulture), Minute(Str(lab, "at")));
            }
        }
    }

    private static IEnumerable<IReadOnlyDictionary<string, object?>> Items(IReadOnlyDictionary<string, object?> parent, string key) =>
        parent.GetValueOrDefault(key) is List<object?> list ? list.OfType<IReadOnlyDictionary<string, object?>>() : [];

    private static string? Str(IReadOnlyDictionary<string, object?> parent, string key) => parent.GetValueOrDefault(key) as string;

    private static int? Date(string? text) =>
        text is { Length: >= 10 } && DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date.DayNumber : null;

    private static int Minute(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? FactCodes.Minute(instant) : int.MinValue;
}
