using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Code = Hl7.Fhir.Model.Code;

namespace Automation.Activities.Fhir.Patients;

/// <summary>Builds a <see cref="PatientContext"/> from a Patient and the resources that reference it, whichever
/// source they came from.</summary>
public static class PatientContextBuilder
{
    /// <summary>Builds the context.</summary>
    /// <param name="patient">The Patient.</param>
    /// <param name="related">Resources about the patient (any of the supported types; others are ignored).</param>
    /// <returns>The context.</returns>
    public static PatientContext Build(Patient patient, IEnumerable<Resource> related)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(related);
        var resources = related.ToList();
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        var address = patient.Address.FirstOrDefault();
        return new PatientContext
        {
            Id = patient.Id ?? "",
            FirstName = name?.Given.FirstOrDefault(),
            LastName = name?.Family,
            BirthDate = DateOnly.TryParse(patient.BirthDate, CultureInfo.InvariantCulture, out var birth) ? birth : null,
            Gender = patient.Gender?.GetLiteral(),
            Email = patient.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Email)?.Value,
            Phone = patient.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Phone)?.Value,
            Language = patient.Communication.OrderByDescending(c => c.Preferred == true).FirstOrDefault()?.Language?.Coding.FirstOrDefault()?.Code,
            Address = address is null ? null : new PatientAddress(address.Line.FirstOrDefault(), address.City, address.State, address.PostalCode),
            Coverages = resources.OfType<Coverage>().Select(ToFact).ToList(),
            Conditions = resources.OfType<Condition>().Select(ToFact).Where(c => c is not null).Select(c => c!).ToList(),
            Medications = resources.OfType<MedicationRequest>().Select(ToFact).Where(m => m is not null).Select(m => m!).ToList(),
            LatestLabs = LatestLabs(resources.OfType<Observation>()),
            Immunizations = resources.OfType<Immunization>().Select(ToFact).Where(i => i is not null).Select(i => i!).ToList(),
            Appointments = resources.OfType<Appointment>().Select(ToFact).OrderBy(a => a.Start).ToList(),
            Encounters = resources.OfType<Encounter>().Select(ToFact).OrderBy(e => e.Start).ToList(),
            Consents = resources.OfType<Consent>().Select(ToFact).ToList(),
        };
    }

    /// <summary>Builds the appointment fact of one Appointment.</summary>
    /// <param name="appointment">The appointment.</param>
    /// <returns>The fact.</returns>
    public static AppointmentFact ToFact(Appointment appointment)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        string? Actor(string prefix) => appointment.Participant
            .Select(p => p.Actor)
            .FirstOrDefault(a => a is not null && IsActor(a.Reference, a.Display, prefix))
            ?.Display;

        return new AppointmentFact(
            appointment.Id ?? "",
            appointment.Status?.GetLiteral() ?? "unknown",
            appointment.Start,
            appointment.End,
            Actor("Practitioner/"),
            Actor("Location/"),
            appointment.Description);
    }

    // An appointment participant is the practitioner or location its reference names; a clinic may be named by display only.
    internal static bool IsActor(string? reference, string? display, string prefix) =>
        reference?.StartsWith(prefix, StringComparison.Ordinal) == true
        || (reference is null && display is not null && prefix == "Location/" && display.Contains("Clinic", StringComparison.OrdinalIgnoreCase));

    // Keeps a lab value when its code has none yet or it is newer than the one kept (a value without a time is oldest).
    internal static void OfferLab(Dictionary<string, LabFact> latest, string? code, decimal? value, string? unit, DateTimeOffset? at)
    {
        if (code is null)
        {
            return;
        }

        if (!latest.TryGetValue(code, out var current) || (at ?? DateTimeOffset.MinValue) > (current.EffectiveAt ?? DateTimeOffset.MinValue))
        {
            latest[code] = new LabFact(code, value, unit, at);
        }
    }

    /// <summary>Parses a FHIR date or dateTime (partial dates mean their first instant, UTC).</summary>
    /// <param name="value">The text.</param>
    /// <returns>The instant, or <c>null</c>.</returns>
    public static DateTimeOffset? Instant(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? instant.ToUniversalTime() : null;

    private static CoverageFact ToFact(Coverage coverage)
    {
        var coding = coverage.Type?.Coding.FirstOrDefault();
        return new CoverageFact(
            CoverageKind(coding?.Code, coverage.Type?.Text ?? coding?.Display),
            coding?.Code,
            DateOnly.TryParse(coverage.Period?.Start?[..Math.Min(10, coverage.Period.Start.Length)], CultureInfo.InvariantCulture, out var start) ? start : null,
            DateOnly.TryParse(coverage.Period?.End?[..Math.Min(10, coverage.Period.End.Length)], CultureInfo.InvariantCulture, out var end) ? end : null,
            coverage.Status?.GetLiteral() ?? "unknown");
    }

    // Coverage.type codings vary by payer; the kind is what segments ask for.
    internal static string CoverageKind(string? code, string? text)
    {
        var value = (code + " " + text).ToUpperInvariant();
        return value switch
        {
            _ when value.Contains("MEDICARE", StringComparison.Ordinal) || value.Contains("SUBSIDMC", StringComparison.Ordinal) => "medicare",
            _ when value.Contains("MEDICAID", StringComparison.Ordinal) || value.Contains("SUBSID", StringComparison.Ordinal) => "medicaid",
            _ when value.Contains("SELF", StringComparison.Ordinal) || value.Contains("PAY", StringComparison.Ordinal) && !value.Contains("PAYER", StringComparison.Ordinal) => "self-pay",
            _ => "commercial",
        };
    }

    private static ConditionFact? ToFact(Condition condition)
    {
        var codings = condition.Code?.Coding.Where(c => c.Code is not null).Select(c => new Coding(c.System, c.Code!)).ToList() ?? [];
        var first = condition.Code?.Coding.FirstOrDefault(c => c.Code is not null);
        return first is null
            ? null
            : new ConditionFact(first.Code!, first.System, first.Display ?? condition.Code?.Text, condition.ClinicalStatus?.Coding.FirstOrDefault()?.Code,
                (condition.Onset as FhirDateTime)?.Value is { } onset ? Instant(onset) : null, codings);
    }

    private static MedicationFact? ToFact(MedicationRequest request)
    {
        var coding = (request.Medication as CodeableConcept)?.Coding.FirstOrDefault();
        return coding?.Code is null ? null : new MedicationFact(coding.Code, coding.Display, request.Status?.GetLiteral() ?? "unknown", Instant(request.AuthoredOn));
    }

    private static ImmunizationFact? ToFact(Immunization immunization)
    {
        var code = immunization.VaccineCode?.Coding.FirstOrDefault()?.Code;
        return code is null ? null : new ImmunizationFact(code, immunization.Status?.GetLiteral() ?? "unknown", Instant((immunization.Occurrence as FhirDateTime)?.Value));
    }

    private static EncounterFact ToFact(Encounter encounter) =>
        new(encounter.Id ?? "", encounter.Class?.Code, encounter.Status?.GetLiteral() ?? "unknown", Instant(encounter.Period?.Start), Instant(encounter.Period?.End));

    /// <summary>The consent facts of FHIR Consent resources, as a patient context holds them.</summary>
    /// <param name="consents">The resources.</param>
    /// <returns>The facts.</returns>
    public static IReadOnlyList<ConsentFact> ConsentFacts(IEnumerable<Consent> consents) => consents.Select(ToFact).ToList();

    private static ConsentFact ToFact(Consent consent)
    {
        var provision = consent.Provision;
        var purposes = provision?.Purpose.Select(p => p.Code).Where(c => c is not null).ToList() ?? [];
        var channels = (provision?.Action.SelectMany(a => a.Coding).Select(c => c.Code) ?? [])
            .Concat(consent.Extension.Concat(provision?.Extension ?? [])
                .Where(e => e.Url?.Contains("channel", StringComparison.OrdinalIgnoreCase) == true)
                .Select(e => e.Value switch { Code c => c.Value, Hl7.Fhir.Model.Coding c => c.Code, FhirString s => s.Value, _ => null }))
            .Where(c => c is not null)
            .Select(c => c!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new ConsentFact(consent.Id ?? "", consent.Status?.GetLiteral() ?? "unknown", provision?.Type?.GetLiteral(), purposes!, channels,
            Instant(provision?.Period?.Start), Instant(provision?.Period?.End), consent.Meta?.VersionId, Instant(consent.DateTime));
    }

    private static Dictionary<string, LabFact> LatestLabs(IEnumerable<Observation> observations)
    {
        var latest = new Dictionary<string, LabFact>(StringComparer.Ordinal);
        void Offer(string? code, DataType? value, DateTimeOffset? at)
        {
            var quantity = value as Quantity;
            OfferLab(latest, code, quantity?.Value, quantity?.Unit ?? quantity?.Code, at);
        }

        foreach (var observation in observations.Where(o => o.Status is not ObservationStatus.EnteredInError and not ObservationStatus.Cancelled))
        {
            var at = Instant((observation.Effective as FhirDateTime)?.Value);
            var code = observation.Code?.Coding.FirstOrDefault(c => c.System == "http://loinc.org")?.Code ?? observation.Code?.Coding.FirstOrDefault()?.Code;
            if (observation.Value is not null)
            {
                Offer(code, observation.Value, at);
            }

            foreach (var component in observation.Component)
            {
                Offer(component.Code?.Coding.FirstOrDefault()?.Code, component.Value, at);
            }
        }

        return latest;
    }
}
