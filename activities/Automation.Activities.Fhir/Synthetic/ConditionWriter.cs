using System.Numerics;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes one Condition per problem, coded in ICD-10-CM and SNOMED CT; records each onset for later writers.</summary>
internal static class ConditionWriter
{
    private const string ClinicalSystem = "http://terminology.hl7.org/CodeSystem/condition-clinical";

    /// <summary>Writes the conditions; <paramref name="onsets"/> gets each onset at the bit index of its problem.</summary>
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r, Span<DateOnly> onsets)
    {
        var n = 0;
        foreach (var condition in Clinical.Conditions)
        {
            if (!p.Has(condition.Problem))
            {
                continue;
            }

            var onset = Onset(condition.Problem, p, r);
            onsets[BitOperations.TrailingZeroCount((int)condition.Problem)] = onset;
            var status = Status(condition.Problem, r);
            var w = buffers.Begin(NdjsonFile.Condition);
            w.WriteStartObject();
            w.WriteString("resourceType"u8, "Condition"u8);
            Json.Id(w, "cond", p, ++n);
            Json.Concept(w, "clinicalStatus"u8, ClinicalSystem, status, status switch { "resolved" => "Resolved", "remission" => "Remission", _ => "Active" });
            Json.Concept(w, "verificationStatus"u8, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed");
            w.WriteStartArray("category"u8);
            w.WriteStartObject();
            w.WriteStartArray("coding"u8);
            Json.Coding(w, "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("code"u8);
            w.WriteStartArray("coding"u8);
            Json.Coding(w, Systems.Icd10Cm, condition.Icd, condition.IcdDisplay);
            Json.Coding(w, Systems.Snomed, condition.Snomed, condition.SnomedDisplay);
            w.WriteEndArray();
            w.WriteString("text"u8, condition.SnomedDisplay);
            w.WriteEndObject();
            Json.Reference(w, "subject"u8, p);
            Json.Date(w, "onsetDateTime"u8, onset);
            if (status == "resolved")
            {
                Json.Date(w, "abatementDateTime"u8, Between(onset, p.Today, r));
            }

            Json.Date(w, "recordedDate"u8, Between(onset, onset.AddDays(30) > p.Today ? p.Today : onset.AddDays(30), r));
            w.WriteEndObject();
            buffers.End(NdjsonFile.Condition);
        }
    }

    private static string Status(Problems problem, Random r) => problem switch
    {
        Problems.Asthma when r.Chance(0.15) => "resolved",
        Problems.Depression when r.Chance(0.3) => "remission",
        _ => "active",
    };

    private static DateOnly Onset(Problems problem, PatientProfile p, Random r)
    {
        if (problem == Problems.Pregnancy)
        {
            return p.Today.AddDays(-r.Next(14, 270));
        }

        // Chronic problems start at least 1 year after birth (adult problems after 18 where possible), at most 20 years ago.
        var earliest = p.BirthDate.AddYears(p.Age >= 25 ? 18 : 1);
        var twentyYears = p.Today.AddYears(-20);
        if (earliest < twentyYears)
        {
            earliest = twentyYears;
        }

        var latest = p.Today.AddDays(-30);
        return earliest >= latest ? (latest > p.BirthDate ? latest : p.BirthDate) : Between(earliest, latest, r);
    }

    /// <summary>A random date in [from, to].</summary>
    public static DateOnly Between(DateOnly from, DateOnly to, Random r) =>
        to <= from ? from : from.AddDays(r.Next(to.DayNumber - from.DayNumber + 1));
}
