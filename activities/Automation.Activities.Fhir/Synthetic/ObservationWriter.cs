using System.Text.Json;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes vital signs (BMI, blood pressure panel) and HbA1c observations over the last three years.</summary>
internal static class ObservationWriter
{
    private const string CategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";

    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var n = 0;
        var visits = p.Age < 2 ? 0 : r.Next(1, 5);
        var hypertensive = p.Has(Problems.Hypertension);
        for (var v = 0; v < visits; v++)
        {
            var at = r.ClinicTime(p.TodayUtc.AddDays(-r.Next(1, 3 * 365)));
            var bmi = (decimal)Math.Round(Math.Clamp(r.Normal(p.Bmi, 0.8), 12, 60), 1);
            Simple(buffers, p, ++n, at, "vital-signs", "39156-5", "Body mass index (BMI) [Ratio]", bmi, "kg/m2");
            if (p.Age >= 3)
            {
                var systolic = (int)Math.Round(r.Normal((p.Age < 18 ? 108 : 121) + (hypertensive ? 16 : 0), 11));
                var diastolic = (int)Math.Round(r.Normal((p.Age < 18 ? 66 : 77) + (hypertensive ? 9 : 0), 7));
                BloodPressure(buffers, p, ++n, at, systolic, diastolic);
            }
        }

        var diabetic = p.Has(Problems.Diabetes);
        var a1cCount = diabetic ? r.Next(2, 7) : p.Age >= 35 && r.Chance(0.3) ? 1 : 0;
        for (var i = 0; i < a1cCount; i++)
        {
            var at = r.ClinicTime(p.TodayUtc.AddDays(-r.Next(1, 3 * 365)));
            var value = diabetic ? Math.Clamp(r.Normal(7.6, 1.2), 5.7, 13.5) : Math.Clamp(r.Normal(5.4, 0.3), 4.2, 6.4);
            Simple(buffers, p, ++n, at, "laboratory", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", (decimal)Math.Round(value, 1), "%");
        }
    }

    private static void Simple(ChunkBuffers buffers, PatientProfile p, int n, DateTime at, string category, string loinc, string display, decimal value, string unit)
    {
        var w = Start(buffers, p, n, at, category, loinc, display);
        Json.Quantity(w, "valueQuantity"u8, value, unit);
        w.WriteEndObject();
        buffers.End(NdjsonFile.Observation);
    }

    private static void BloodPressure(ChunkBuffers buffers, PatientProfile p, int n, DateTime at, int systolic, int diastolic)
    {
        var w = Start(buffers, p, n, at, "vital-signs", "85354-9", "Blood pressure panel with all children optional");
        w.WriteStartArray("component"u8);
        Component(w, "8480-6", "Systolic blood pressure", systolic);
        Component(w, "8462-4", "Diastolic blood pressure", diastolic);
        w.WriteEndArray();
        w.WriteEndObject();
        buffers.End(NdjsonFile.Observation);
    }

    private static void Component(Utf8JsonWriter w, string loinc, string display, int value)
    {
        w.WriteStartObject();
        Json.Concept(w, "code"u8, Systems.Loinc, loinc, display);
        Json.Quantity(w, "valueQuantity"u8, value, "mm[Hg]");
        w.WriteEndObject();
    }

    private static Utf8JsonWriter Start(ChunkBuffers buffers, PatientProfile p, int n, DateTime at, string category, string loinc, string display)
    {
        var w = buffers.Begin(NdjsonFile.Observation);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Observation"u8);
        Json.Id(w, "obs", p, n);
        w.WriteString("status"u8, "final"u8);
        Json.ConceptArray(w, "category"u8, CategorySystem, category, category == "laboratory" ? "Laboratory" : "Vital Signs");
        Json.Concept(w, "code"u8, Systems.Loinc, loinc, display);
        Json.Reference(w, "subject"u8, p);
        Json.Instant(w, "effectiveDateTime"u8, at);
        return w;
    }
}
