namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes RxNorm MedicationRequests for treated problems (intent order, active or stopped).</summary>
internal static class MedicationWriter
{
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r, ReadOnlySpan<DateOnly> onsets)
    {
        var n = 0;
        foreach (var medication in Clinical.Medications)
        {
            if ((p.Problems & medication.For) == 0 || !r.Chance(medication.Probability))
            {
                continue;
            }

            var onset = EarliestOnset(p, medication.For, onsets);
            var authored = ConditionWriter.Between(onset, p.Today, r);
            var w = buffers.Begin(NdjsonFile.MedicationRequest);
            w.WriteStartObject();
            w.WriteString("resourceType"u8, "MedicationRequest"u8);
            Json.Id(w, "medrx", p, ++n);
            w.WriteString("status"u8, r.Chance(0.82) ? "active"u8 : "stopped"u8);
            w.WriteString("intent"u8, "order"u8);
            Json.Concept(w, "medicationCodeableConcept"u8, Systems.RxNorm, medication.RxNorm, medication.Display);
            Json.Reference(w, "subject"u8, p);
            Json.Date(w, "authoredOn"u8, authored);
            Json.Display(w, "requester"u8, r.Pick(Clinical.Practitioners));
            w.WriteStartArray("dosageInstruction"u8);
            w.WriteStartObject();
            w.WriteString("text"u8, medication.Dosage);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            buffers.End(NdjsonFile.MedicationRequest);
        }
    }

    private static DateOnly EarliestOnset(PatientProfile p, Problems problems, ReadOnlySpan<DateOnly> onsets)
    {
        var earliest = p.Today;
        for (var bit = 0; bit < onsets.Length; bit++)
        {
            if (((int)problems & (1 << bit)) != 0 && p.Has((Problems)(1 << bit)) && onsets[bit] < earliest)
            {
                earliest = onsets[bit];
            }
        }

        return earliest;
    }
}
