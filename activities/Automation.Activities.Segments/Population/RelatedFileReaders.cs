using System.Text.Json;
using Automation.Activities.Fhir.Patients;
using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Population;

/// <summary>The readers of every related file.</summary>
internal static class RelatedFileReaders
{
    public static IReadOnlyList<RelatedFileReader> All { get; } =
        [new ConditionReader(), new ObservationReader(), new MedicationReader(), new ImmunizationReader(), new EncounterReader(), new AppointmentReader(), new CoverageReader(), new EngagementReader()];

    private sealed class ConditionReader() : RelatedFileReader("Condition.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<ConditionEntry>(new(patients, f => f.Conditions, (f, v) => f.Conditions = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = resolver.ResolveProperty(root, "subject");
            if (patient < 0 || !root.TryGetProperty("code", out var code) || !code.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            var status = FirstCoding(root, "clinicalStatus") is { } s && s.TryGetProperty("code", out var sc) ? sc : default;
            var active = status.ValueKind != JsonValueKind.String || status.ValueEquals("active"u8) || status.ValueEquals("recurrence"u8) || status.ValueEquals("relapse"u8);
            var onset = root.TryGetProperty("onsetDateTime", out var o) ? Utf8Values.Minute(o) : int.MinValue;
            var accumulator = ((Sink<ConditionEntry>)sink).Accumulator;
            foreach (var coding in codings.EnumerateArray())
            {
                if (coding.TryGetProperty("code", out var c) && values.Intern(c) is { } value)
                {
                    var system = coding.TryGetProperty("system", out var sys) && sys.ValueKind == JsonValueKind.String
                        ? sys.ValueEquals("http://hl7.org/fhir/sid/icd-10-cm"u8) ? CodeSystem.Icd10Cm : sys.ValueEquals("http://snomed.info/sct"u8) ? CodeSystem.Snomed : CodeSystem.Other
                        : CodeSystem.Other;
                    accumulator.Add(patient, new ConditionEntry(system, value, active, onset));
                }
            }
        }
    }

    /// <summary>Keeps the latest value per LOINC code (components such as systolic and diastolic count as their own codes).</summary>
    private sealed class ObservationReader() : RelatedFileReader("Observation.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<LabEntry>(new(patients, f => f.Labs, (f, v) => f.Labs = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = resolver.ResolveProperty(root, "subject");
            if (patient < 0 || TextEquals(root, "status", "entered-in-error"u8) || TextEquals(root, "status", "cancelled"u8))
            {
                return;
            }

            var accumulator = ((Sink<LabEntry>)sink).Accumulator;
            accumulator.Switch(patient);
            var at = root.TryGetProperty("effectiveDateTime", out var e) ? Utf8Values.Minute(e) : int.MinValue;
            Offer(accumulator.Current, root, at, values);
            if (root.TryGetProperty("component", out var components) && components.ValueKind == JsonValueKind.Array)
            {
                foreach (var component in components.EnumerateArray())
                {
                    Offer(accumulator.Current, component, at, values);
                }
            }
        }

        private static void Offer(List<LabEntry> current, JsonElement holder, int at, Utf8Values values)
        {
            if (!holder.TryGetProperty("valueQuantity", out var quantity) || !quantity.TryGetProperty("value", out var number) || number.ValueKind != JsonValueKind.Number
                || FirstCoding(holder, "code") is not { } coding || !coding.TryGetProperty("code", out var c) || values.Intern(c) is not { } code)
            {
                return;
            }

            var entry = new LabEntry(code, number.GetDouble(), at);
            for (var i = 0; i < current.Count; i++)
            {
                if (ReferenceEquals(current[i].Code, code))
                {
                    if (at > current[i].AtMinute)
                    {
                        current[i] = entry;
                    }

                    return;
                }
            }

            current.Add(entry);
        }
    }

    private sealed class MedicationReader() : RelatedFileReader("MedicationRequest.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<MedicationEntry>(new(patients, f => f.Medications, (f, v) => f.Medications = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = resolver.ResolveProperty(root, "subject");
            if (patient >= 0 && FirstCoding(root, "medicationCodeableConcept") is { } coding && coding.TryGetProperty("code", out var c) && values.Intern(c) is { } code)
            {
                ((Sink<MedicationEntry>)sink).Accumulator.Add(patient, new MedicationEntry(code, TextEquals(root, "status", "active"u8)));
            }
        }
    }

    private sealed class ImmunizationReader() : RelatedFileReader("Immunization.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<ImmunizationEntry>(new(patients, f => f.Immunizations, (f, v) => f.Immunizations = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = resolver.ResolveProperty(root, "patient");
            if (patient >= 0 && FirstCoding(root, "vaccineCode") is { } coding && coding.TryGetProperty("code", out var c) && values.Intern(c) is { } code)
            {
                var at = root.TryGetProperty("occurrenceDateTime", out var o) ? Utf8Values.Minute(o) : int.MinValue;
                ((Sink<ImmunizationEntry>)sink).Accumulator.Add(patient, new ImmunizationEntry(code, at, TextEquals(root, "status", "completed"u8)));
            }
        }
    }

    private sealed class EncounterReader() : RelatedFileReader("Encounter.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<EncounterEntry>(new(patients, f => f.Encounters, (f, v) => f.Encounters = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = resolver.ResolveProperty(root, "subject");
            if (patient < 0 || !root.TryGetProperty("period", out var period) || !period.TryGetProperty("start", out var s))
            {
                return;
            }

            var start = Utf8Values.Minute(s);
            var end = period.TryGetProperty("end", out var e) ? Utf8Values.Minute(e) : start;
            var encounterClass = root.TryGetProperty("class", out var cls) && cls.TryGetProperty("code", out var code) ? FactCodes.Encounter(values.Intern(code)) : EncounterClass.Other;
            ((Sink<EncounterEntry>)sink).Accumulator.Add(patient, new EncounterEntry(encounterClass, start, end == int.MinValue ? start : end));
        }
    }

    private sealed class AppointmentReader() : RelatedFileReader("Appointment.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<AppointmentEntry>(new(patients, f => f.Appointments, (f, v) => f.Appointments = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            if (!root.TryGetProperty("start", out var s) || !root.TryGetProperty("participant", out var participants) || participants.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var participant in participants.EnumerateArray())
            {
                if (participant.TryGetProperty("actor", out var actor) && actor.TryGetProperty("reference", out var reference)
                    && Utf8Values.Raw(reference).StartsWith("Patient/"u8) && resolver.Resolve(reference) is var patient and >= 0)
                {
                    var state = root.TryGetProperty("status", out var status) ? FactCodes.Appointment(values.Intern(status)) : AppointmentState.Other;
                    ((Sink<AppointmentEntry>)sink).Accumulator.Add(patient, new AppointmentEntry(state, Utf8Values.Minute(s)));
                    return;
                }
            }
        }
    }

    private sealed class CoverageReader() : RelatedFileReader("Coverage.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<CoverageEntry>(new(patients, f => f.Coverages, (f, v) => f.Coverages = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = resolver.ResolveProperty(root, "beneficiary");
            if (patient < 0)
            {
                return;
            }

            // The same reading of Coverage.type as the patient context: the first coding's code, then the text or display.
            string? code = null, text = null;
            if (root.TryGetProperty("type", out var type))
            {
                if (FirstCoding(root, "type") is { } coding)
                {
                    code = coding.TryGetProperty("code", out var c) ? values.Intern(c) : null;
                    text = coding.TryGetProperty("display", out var d) ? values.Intern(d) : null;
                }

                text = type.TryGetProperty("text", out var t) ? values.Intern(t) : text;
            }

            int start = int.MinValue, end = int.MaxValue;
            if (root.TryGetProperty("period", out var period))
            {
                start = period.TryGetProperty("start", out var s) ? Utf8Values.Day(s) ?? int.MinValue : int.MinValue;
                end = period.TryGetProperty("end", out var e) ? Utf8Values.Day(e) ?? int.MaxValue : int.MaxValue;
            }

            ((Sink<CoverageEntry>)sink).Accumulator.Add(patient, new CoverageEntry(CoverageKinds.FromType(code, text), TextEquals(root, "status", "active"u8), start, end));
        }
    }

    private sealed class EngagementReader() : RelatedFileReader("Engagement.ndjson")
    {
        protected override ISink CreateSink(PatientFacts[] patients) => new Sink<EngagementEntry>(new(patients, f => f.Engagement, (f, v) => f.Engagement = v));

        protected override void ReadLine(JsonElement root, PatientResolver resolver, Utf8Values values, ISink sink)
        {
            var patient = root.TryGetProperty("patient", out var p) ? resolver.Resolve(p) : -1;
            if (patient < 0 || !root.TryGetProperty("type", out var t) || !root.TryGetProperty("at", out var at))
            {
                return;
            }

            var kind = FactCodes.Engagement(EngagementTypes.Normalize(values.Intern(t)));
            var minute = Utf8Values.Minute(at);
            if (kind is null || minute == int.MinValue)
            {
                return;
            }

            var automated = root.TryGetProperty("automated", out var a) && a.ValueKind == JsonValueKind.True;
            ((Sink<EngagementEntry>)sink).Accumulator.Add(patient, new EngagementEntry(kind.Value, minute, automated));
        }
    }
}
