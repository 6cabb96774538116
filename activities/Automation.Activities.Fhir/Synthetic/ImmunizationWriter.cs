namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes CVX Immunizations: influenza per season and COVID-19 doses over the last three years.</summary>
internal static class ImmunizationWriter
{
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var n = 0;
        var fluRate = p.Age >= 65 ? 0.7 : p.Age < 18 ? 0.5 : 0.4;
        for (var season = 0; season < 3; season++)
        {
            // Seasons start in September; the most recent is the one running on Today.
            var seasonYear = (p.Today.Month >= 9 ? p.Today.Year : p.Today.Year - 1) - season;
            var start = new DateTime(seasonYear, 9, 1, 0, 0, 0, DateTimeKind.Utc);
            var days = Math.Min(120, (int)(p.TodayUtc - start).TotalDays);
            if (p.Age >= 1 && days > 0 && r.Chance(fluRate))
            {
                var (code, display) = r.Pick(Clinical.Influenza);
                Write(buffers, p, ++n, r.ClinicTime(start.AddDays(r.Next(days))), code, display);
            }
        }

        var covidRate = p.Age >= 65 ? 0.55 : p.Age < 5 ? 0.05 : 0.25;
        var doses = r.Chance(covidRate) ? r.Next(1, 3) : 0;
        for (var i = 0; i < doses; i++)
        {
            var (code, display) = r.Pick(Clinical.Covid);
            Write(buffers, p, ++n, r.ClinicTime(p.TodayUtc.AddDays(-r.Next(1, 3 * 365))), code, display);
        }
    }

    private static void Write(ChunkBuffers buffers, PatientProfile p, int n, DateTime at, string cvx, string display)
    {
        var w = buffers.Begin(NdjsonFile.Immunization);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Immunization"u8);
        Json.Id(w, "imm", p, n);
        w.WriteString("status"u8, "completed"u8);
        Json.Concept(w, "vaccineCode"u8, Systems.Cvx, cvx, display);
        Json.Reference(w, "patient"u8, p);
        Json.Instant(w, "occurrenceDateTime"u8, at);
        w.WriteBoolean("primarySource"u8, true);
        w.WriteEndObject();
        buffers.End(NdjsonFile.Immunization);
    }
}
