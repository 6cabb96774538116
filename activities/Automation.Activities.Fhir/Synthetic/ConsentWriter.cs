using System.Text.Json;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes communication Consents: treatment communications (TREAT) for most patients and marketing (HMARKT)
/// opt-ins or opt-outs for some; some expired (provision period ended) or revoked (status inactive).</summary>
internal static class ConsentWriter
{
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var n = 0;
        var channel = p.Email is not null ? "email" : p.Phone is not null ? "sms" : null;
        if (channel is null)
        {
            return;
        }

        if (r.Chance(0.92))
        {
            var signed = Signed(p, r);
            var revoked = r.Chance(0.03);
            Write(buffers, p, ++n, revoked ? "inactive" : "active", permit: true, "TREAT", "treatment", channel, signed, null);
        }

        if (r.Chance(0.45))
        {
            var signed = Signed(p, r);
            var permit = r.Chance(0.65);
            var revoked = permit && r.Chance(0.08);
            DateTime? end = permit && !revoked && r.Chance(0.1) ? signed.AddDays(r.Next(1, Math.Max(2, (int)(p.TodayUtc - signed).TotalDays))) : null;
            if (end >= p.TodayUtc)
            {
                end = p.TodayUtc.AddDays(-1);
            }

            Write(buffers, p, ++n, revoked ? "inactive" : "active", permit, "HMARKT", "healthcare marketing", channel, signed, end);
        }
    }

    private static DateTime Signed(PatientProfile p, Random r) => r.ClinicTime(p.TodayUtc.AddDays(-r.Next(30, 4 * 365)));

    private static void Write(
        ChunkBuffers buffers, PatientProfile p, int n, string status, bool permit, string purpose, string purposeDisplay,
        string channel, DateTime signed, DateTime? end)
    {
        var w = buffers.Begin(NdjsonFile.Consent);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Consent"u8);
        Json.Id(w, "consent", p, n);
        w.WriteString("status"u8, status);
        Json.Concept(w, "scope"u8, "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent");
        Json.ConceptArray(w, "category"u8, Systems.Loinc, "59284-0", "Patient Consent");
        Json.Reference(w, "patient"u8, p);
        Json.Instant(w, "dateTime"u8, signed);
        Json.Concept(w, "policyRule"u8, Systems.ActCode, permit ? "OPTIN" : "OPTOUT", permit ? "opt-in" : "opt-out");
        w.WriteStartObject("provision"u8);
        w.WriteStartArray("extension"u8);
        w.WriteStartObject();
        w.WriteString("url"u8, Systems.ConsentChannelExtension);
        w.WriteStartObject("valueCoding"u8);
        w.WriteString("system"u8, Systems.ContactPointSystem);
        w.WriteString("code"u8, channel);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("type"u8, permit ? "permit"u8 : "deny"u8);
        Json.Period(w, signed, end);
        Action(w);
        w.WriteStartArray("purpose"u8);
        Json.Coding(w, Systems.ActReason, purpose, purposeDisplay);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        buffers.End(NdjsonFile.Consent);
    }

    private static void Action(Utf8JsonWriter w) =>
        Json.ConceptArray(w, "action"u8, "http://terminology.hl7.org/CodeSystem/consentaction", "use", "Use");
}
