using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace Automation.Activities.Fhir.Patients;

/// <summary>
/// Reads a <see cref="PatientContext"/> straight from FHIR R4 JSON, without building Firely objects: the NDJSON source's
/// fast path: a patient in about 80 us and 36 KB of garbage, against 300 us and 213 KB parsing with Firely and mapping
/// with <see cref="PatientContextBuilder"/>. It maps exactly as the builder does. Whenever a field it reads holds something the
/// Firely path might read differently or reject (a code outside its value set, a malformed instant or dateTime, a value of
/// the wrong JSON kind, an empty string, a null in an array), it gives up and returns <c>null</c>, and the caller parses
/// with Firely, so unusual data keeps Firely's behaviour. Fields it does not read are not checked.
/// </summary>
internal static partial class PatientContextReader
{
    private static readonly HashSet<string> Genders = Literals<AdministrativeGender>();
    private static readonly HashSet<string> NameUses = Literals<HumanName.NameUse>();
    private static readonly HashSet<string> ContactSystems = Literals<ContactPoint.ContactPointSystem>();
    private static readonly HashSet<string> CoverageStatuses = Literals<FinancialResourceStatusCodes>();
    private static readonly HashSet<string> MedicationStatuses = Literals<MedicationRequest.MedicationrequestStatus>();
    private static readonly HashSet<string> ImmunizationStatuses = Literals<Immunization.ImmunizationStatusCodes>();
    private static readonly HashSet<string> EncounterStatuses = Literals<Encounter.EncounterStatus>();
    private static readonly HashSet<string> AppointmentStatuses = Literals<Appointment.AppointmentStatus>();
    private static readonly HashSet<string> ConsentStates = Literals<Consent.ConsentState>();
    private static readonly HashSet<string> ProvisionTypes = Literals<Consent.ConsentProvisionType>();
    private static readonly HashSet<string> ObservationStatuses = Literals<ObservationStatus>();

    /// <summary>Reads the context of a Patient and the resources about them.</summary>
    /// <param name="patient">The Patient resource's JSON.</param>
    /// <param name="related">Each related resource's type and JSON, in the order the builder would be given them.</param>
    /// <returns>The context, or <c>null</c> when the Firely path must read these resources.</returns>
    public static PatientContext? TryRead(ReadOnlyMemory<byte> patient, IEnumerable<(string Type, ReadOnlyMemory<byte> Json)> related)
    {
        try
        {
            var context = ReadPatient(patient);
            var coverages = new List<CoverageFact>();
            var conditions = new List<ConditionFact>();
            var medications = new List<MedicationFact>();
            var labs = new Dictionary<string, LabFact>(StringComparer.Ordinal);
            var immunizations = new List<ImmunizationFact>();
            var appointments = new List<AppointmentFact>();
            var encounters = new List<EncounterFact>();
            var consents = new List<ConsentFact>();
            foreach (var (type, json) in related)
            {
                using var document = Parse(json, type);
                var root = document.RootElement;
                switch (type)
                {
                    case "Coverage":
                        coverages.Add(ReadCoverage(root));
                        break;
                    case "Condition":
                        AddIfRead(conditions, ReadCondition(root));
                        break;
                    case "MedicationRequest":
                        AddIfRead(medications, ReadMedication(root));
                        break;
                    case "Observation":
                        OfferLabs(labs, root);
                        break;
                    case "Immunization":
                        AddIfRead(immunizations, ReadImmunization(root));
                        break;
                    case "Appointment":
                        appointments.Add(ReadAppointment(root));
                        break;
                    case "Encounter":
                        encounters.Add(ReadEncounter(root));
                        break;
                    case "Consent":
                        consents.Add(ReadConsent(root));
                        break;
                }
            }

            return context with
            {
                Coverages = coverages,
                Conditions = conditions,
                Medications = medications,
                LatestLabs = labs,
                Immunizations = immunizations,
                Appointments = [.. appointments.OrderBy(a => a.Start)],
                Encounters = [.. encounters.OrderBy(e => e.Start)],
                Consents = consents,
            };
        }
        catch (UnreadableException)
        {
            return null;
        }
    }

    /// <summary>Reads the consent facts of FHIR Consent resources, as <see cref="PatientContextBuilder.ConsentFacts"/> does.</summary>
    /// <param name="consents">Each Consent resource's JSON.</param>
    /// <returns>The facts, or <c>null</c> when the Firely path must read these resources.</returns>
    public static IReadOnlyList<ConsentFact>? TryReadConsents(IEnumerable<ReadOnlyMemory<byte>> consents)
    {
        try
        {
            var facts = new List<ConsentFact>();
            foreach (var json in consents)
            {
                using var document = Parse(json, "Consent");
                facts.Add(ReadConsent(document.RootElement));
            }

            return facts;
        }
        catch (UnreadableException)
        {
            return null;
        }
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> json, string type)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new UnreadableException();
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object || Text(document.RootElement, "resourceType") != type)
        {
            document.Dispose();
            throw new UnreadableException();
        }

        return document;
    }

    private static PatientContext ReadPatient(ReadOnlyMemory<byte> json)
    {
        using var document = Parse(json, "Patient");
        var patient = document.RootElement;
        var names = Objects(patient, "name");
        var name = names.FirstOrDefault(n => Code(n, "use", NameUses) == "official") is { ValueKind: JsonValueKind.Object } official ? official : names.FirstOrDefault();
        var telecom = Objects(patient, "telecom").Select(t => (System: Code(t, "system", ContactSystems), Value: Text(t, "value"))).ToList();
        var communication = Objects(patient, "communication").Select(c => (Preferred: Flag(c, "preferred"), Language: Object(c, "language"))).ToList();
        var language = communication.OrderByDescending(c => c.Preferred == true).Select(c => c.Language).FirstOrDefault();
        var address = Objects(patient, "address").Select(a => (JsonElement?)a).FirstOrDefault();
        var birthDate = FhirDate(patient, "birthDate");
        return new PatientContext
        {
            Id = Text(patient, "id") ?? "",
            FirstName = name.ValueKind == JsonValueKind.Object ? Texts(name, "given").FirstOrDefault() : null,
            LastName = name.ValueKind == JsonValueKind.Object ? Text(name, "family") : null,
            BirthDate = DateOnly.TryParse(birthDate, CultureInfo.InvariantCulture, out var birth) ? birth : null,
            Gender = Code(patient, "gender", Genders),
            Email = telecom.FirstOrDefault(t => t.System == "email").Value,
            Phone = telecom.FirstOrDefault(t => t.System == "phone").Value,
            Language = language is { } concept ? Codings(concept).Select(c => Text(c, "code")).FirstOrDefault() : null,
            Address = address is { } home ? new PatientAddress(Texts(home, "line").FirstOrDefault(), Text(home, "city"), Text(home, "state"), Text(home, "postalCode")) : null,
        };
    }

    private static CoverageFact ReadCoverage(JsonElement coverage)
    {
        var type = Object(coverage, "type");
        var coding = type is { } concept ? Codings(concept).Select(c => (JsonElement?)c).FirstOrDefault() : null;
        var code = coding is { } c1 ? Text(c1, "code") : null;
        var display = coding is { } c2 ? Text(c2, "display") : null;
        var period = Object(coverage, "period");
        return new CoverageFact(
            PatientContextBuilder.CoverageKind(code, (type is { } t ? Text(t, "text") : null) ?? display),
            code,
            PeriodDate(period, "start"),
            PeriodDate(period, "end"),
            Code(coverage, "status", CoverageStatuses) ?? "unknown");
    }

    private static ConditionFact? ReadCondition(JsonElement condition)
    {
        var concept = Object(condition, "code");
        var codings = concept is { } c ? Codings(c).Select(x => (System: Text(x, "system"), Code: Text(x, "code"), Display: Text(x, "display"))).ToList() : [];
        var first = codings.FirstOrDefault(x => x.Code is not null);
        if (first.Code is null)
        {
            return null;
        }

        var clinical = Object(condition, "clinicalStatus");
        return new ConditionFact(first.Code, first.System, first.Display ?? (concept is { } text ? Text(text, "text") : null),
            clinical is { } status ? Codings(status).Select(x => Text(x, "code")).FirstOrDefault() : null,
            PatientContextBuilder.Instant(FhirDateTime(condition, "onsetDateTime")),
            [.. codings.Where(x => x.Code is not null).Select(x => new Coding(x.System, x.Code!))]);
    }

    private static MedicationFact? ReadMedication(JsonElement request)
    {
        var coding = Object(request, "medicationCodeableConcept") is { } concept ? Codings(concept).Select(c => (JsonElement?)c).FirstOrDefault() : null;
        var code = coding is { } c1 ? Text(c1, "code") : null;
        var status = Code(request, "status", MedicationStatuses) ?? "unknown";
        var authoredOn = PatientContextBuilder.Instant(FhirDateTime(request, "authoredOn"));
        return code is null ? null : new MedicationFact(code, coding is { } c2 ? Text(c2, "display") : null, status, authoredOn);
    }

    private static ImmunizationFact? ReadImmunization(JsonElement immunization)
    {
        var code = Object(immunization, "vaccineCode") is { } concept ? Codings(concept).Select(c => Text(c, "code")).FirstOrDefault() : null;
        var status = Code(immunization, "status", ImmunizationStatuses) ?? "unknown";
        var at = PatientContextBuilder.Instant(FhirDateTime(immunization, "occurrenceDateTime"));
        return code is null ? null : new ImmunizationFact(code, status, at);
    }

    private static EncounterFact ReadEncounter(JsonElement encounter)
    {
        var period = Object(encounter, "period");
        return new EncounterFact(Text(encounter, "id") ?? "", Object(encounter, "class") is { } coding ? Text(coding, "code") : null,
            Code(encounter, "status", EncounterStatuses) ?? "unknown",
            PatientContextBuilder.Instant(period is { } p1 ? FhirDateTime(p1, "start") : null),
            PatientContextBuilder.Instant(period is { } p2 ? FhirDateTime(p2, "end") : null));
    }

    private static AppointmentFact ReadAppointment(JsonElement appointment)
    {
        var actors = Objects(appointment, "participant")
            .Select(p => Object(p, "actor") is { } actor ? (Reference: Text(actor, "reference"), Display: Text(actor, "display")) : (null, null))
            .ToList();
        string? Actor(string prefix) => actors
            .FirstOrDefault(a => PatientContextBuilder.IsActor(a.Reference, a.Display, prefix))
            .Display;

        return new AppointmentFact(
            Text(appointment, "id") ?? "",
            Code(appointment, "status", AppointmentStatuses) ?? "unknown",
            FhirInstant(appointment, "start"),
            FhirInstant(appointment, "end"),
            Actor("Practitioner/"),
            Actor("Location/"),
            Text(appointment, "description"));
    }

    private static ConsentFact ReadConsent(JsonElement consent)
    {
        var provision = Object(consent, "provision");
        var purposes = provision is { } p1 ? Objects(p1, "purpose").Select(c => Text(c, "code")).Where(c => c is not null).Select(c => c!).ToList() : [];
        var actions = provision is { } p2 ? Objects(p2, "action").SelectMany(Codings).Select(c => Text(c, "code")) : [];
        var extensions = Objects(consent, "extension").Concat(provision is { } p3 ? Objects(p3, "extension") : []);
        var channels = actions
            .Concat(extensions
                .Where(e => Text(e, "url")?.Contains("channel", StringComparison.OrdinalIgnoreCase) == true)
                .Select(ExtensionText))
            .Where(c => c is not null)
            .Select(c => c!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var period = provision is { } p4 ? Object(p4, "period") : null;
        return new ConsentFact(
            Text(consent, "id") ?? "",
            Code(consent, "status", ConsentStates) ?? "unknown",
            provision is { } p5 ? Code(p5, "type", ProvisionTypes) : null,
            purposes,
            channels,
            PatientContextBuilder.Instant(period is { } s ? FhirDateTime(s, "start") : null),
            PatientContextBuilder.Instant(period is { } e1 ? FhirDateTime(e1, "end") : null),
            Object(consent, "meta") is { } meta ? Text(meta, "versionId") : null,
            PatientContextBuilder.Instant(FhirDateTime(consent, "dateTime")));
    }

    // The builder reads valueCode, valueCoding.code and valueString; any other value type gives nothing.
    private static string? ExtensionText(JsonElement extension) =>
        Text(extension, "valueCode") ?? (Object(extension, "valueCoding") is { } coding ? Text(coding, "code") : null) ?? Text(extension, "valueString");

    private static void OfferLabs(Dictionary<string, LabFact> latest, JsonElement observation)
    {
        var status = Code(observation, "status", ObservationStatuses);
        var at = PatientContextBuilder.Instant(FhirDateTime(observation, "effectiveDateTime"));
        var codings = Object(observation, "code") is { } concept ? Codings(concept).ToList() : [];
        var code = codings.Where(c => Text(c, "system") == "http://loinc.org").Select(c => Text(c, "code")).FirstOrDefault()
            ?? codings.Select(c => Text(c, "code")).FirstOrDefault();
        var value = Value(observation);
        var components = Objects(observation, "component")
            .Select(c => (Code: Object(c, "code") is { } componentCode ? Codings(componentCode).Select(x => Text(x, "code")).FirstOrDefault() : null, Value: Value(c)))
            .ToList();
        if (status is "entered-in-error" or "cancelled")
        {
            return;
        }

        if (value is { } present)
        {
            PatientContextBuilder.OfferLab(latest, code, present.Value, present.Unit, at);
        }

        foreach (var component in components)
        {
            PatientContextBuilder.OfferLab(latest, component.Code, component.Value?.Value, component.Value?.Unit, at);
        }
    }

    // An element's value[x]: a Quantity gives its value and unit (or code); any other type is present without either.
    private static (decimal? Value, string? Unit)? Value(JsonElement element)
    {
        if (Object(element, "valueQuantity") is { } quantity)
        {
            return (Number(quantity, "value"), Text(quantity, "unit") ?? Text(quantity, "code"));
        }

        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name.StartsWith('_') ? property.Name[1..] : property.Name;
            if (name.Length > 5 && name.StartsWith("value", StringComparison.Ordinal) && char.IsUpper(name[5]) && property.Value.ValueKind != JsonValueKind.Null)
            {
                // A primitive value known only by its extensions (_valueString), or an empty one, is the Firely path's call.
                var extensionsOnly = name.Length != property.Name.Length;
                var empty = property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is not { Length: > 0 };
                return extensionsOnly || empty ? throw new UnreadableException() : (null, null);
            }
        }

        return null;
    }

    private static IEnumerable<JsonElement> Codings(JsonElement concept) => Objects(concept, "coding");

    private static JsonElement? Object(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw new UnreadableException();
    }

    private static List<JsonElement> Objects(JsonElement parent, string name) =>
        Items(parent, name, item => item.ValueKind == JsonValueKind.Object ? item : throw new UnreadableException());

    private static List<string> Texts(JsonElement parent, string name) =>
        Items(parent, name, item => item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text ? text : throw new UnreadableException());

    // An array's items, each read (or refused) by the caller's rule; a missing or null array is empty.
    private static List<T> Items<T>(JsonElement parent, string name, Func<JsonElement, T> read)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new UnreadableException();
        }

        var items = new List<T>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            items.Add(read(item));
        }

        return items;
    }

    private static string? Text(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw new UnreadableException();
    }

    private static string? Code(JsonElement parent, string name, HashSet<string> literals) =>
        Text(parent, name) is { } code ? literals.Contains(code) ? code : throw new UnreadableException() : null;

    private static bool? Flag(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new UnreadableException(),
        };
    }

    private static decimal? Number(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) ? number : throw new UnreadableException();
    }

    private static string? FhirDate(JsonElement parent, string name) =>
        Text(parent, name) is { } text ? DatePattern().IsMatch(text) ? text : throw new UnreadableException() : null;

    private static string? FhirDateTime(JsonElement parent, string name) =>
        Text(parent, name) is { } text ? DateTimePattern().IsMatch(text) ? text : throw new UnreadableException() : null;

    private static DateTimeOffset? FhirInstant(JsonElement parent, string name) =>
        Text(parent, name) is not { } text ? null
        : InstantPattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) ? instant
        : throw new UnreadableException();

    // As the builder does: the first ten characters of a period bound, as a date.
    private static DateOnly? PeriodDate(JsonElement? period, string name) =>
        period is { } p && FhirDateTime(p, name) is { } text && DateOnly.TryParse(text[..Math.Min(10, text.Length)], CultureInfo.InvariantCulture, out var date) ? date : null;

    private static void AddIfRead<T>(List<T> list, T? fact)
        where T : class
    {
        if (fact is not null)
        {
            list.Add(fact);
        }
    }

    private static HashSet<string> Literals<TEnum>()
        where TEnum : struct, Enum =>
        new(Enum.GetValues<TEnum>().Select(value => value.GetLiteral()), StringComparer.Ordinal);

    [GeneratedRegex(@"^\d{4}(-\d{2}(-\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex InstantPattern();

    // Control flow only: thrown where the fast path stops, caught in the two entry points.
    private sealed class UnreadableException : Exception;
}
