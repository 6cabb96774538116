namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes behavioural events (our own format, see README): email opens and clicks, portal logins, completed forms
/// over the last 180 days; each patient has an engagement propensity, so some never engage.</summary>
internal static class EngagementWriter
{
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var propensity = r.NextDouble() * r.NextDouble() * 1.6;
        if (p.Email is not null)
        {
            var sends = r.Next(0, 8);
            for (var i = 0; i < sends; i++)
            {
                var campaign = r.Pick(Clinical.Campaigns);
                var at = p.TodayUtc.AddDays(-r.Next(1, 181)).AddMinutes(r.Next(6 * 60, 22 * 60));
                if (!r.Chance(propensity))
                {
                    continue;
                }

                Event(buffers, p, "email-open", at, campaign);
                if (r.Chance(0.3))
                {
                    Event(buffers, p, "email-click", at.AddMinutes(r.Next(1, 240)), campaign);
                }
            }
        }

        if (p.Age >= 13 && r.Chance(0.2 + (propensity * 0.4)))
        {
            var logins = r.Next(1, 7);
            for (var i = 0; i < logins; i++)
            {
                Event(buffers, p, "portal-login", p.TodayUtc.AddDays(-r.Next(1, 181)).AddMinutes(r.Next(24 * 60)), "portal-onboarding");
            }

            if (r.Chance(0.5))
            {
                Event(buffers, p, "form-completed", p.TodayUtc.AddDays(-r.Next(1, 181)).AddMinutes(r.Next(24 * 60)), r.Chance(0.5) ? "annual-wellness" : "plan-enrollment");
            }
        }
    }

    private static void Event(ChunkBuffers buffers, PatientProfile p, string type, DateTime at, string campaign)
    {
        var w = buffers.Begin(NdjsonFile.Engagement);
        w.WriteStartObject();
        w.WriteString("patient"u8, p.Reference);
        w.WriteString("type"u8, type);
        Json.Instant(w, "at"u8, at);
        w.WriteString("campaign"u8, campaign);
        w.WriteEndObject();
        buffers.End(NdjsonFile.Engagement);
    }
}
