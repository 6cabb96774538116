using System.Text.Json;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes the Patient resource.</summary>
internal static class PatientWriter
{
    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var w = buffers.Begin(NdjsonFile.Patient);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Patient"u8);
        w.WriteString("id"u8, p.Reference.AsSpan("Patient/".Length));
        w.WriteStartArray("identifier"u8);
        w.WriteStartObject();
        w.WriteString("system"u8, Systems.Mrn);
        w.WriteString("value"u8, [.. "MRN"u8, .. p.Digits]);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteBoolean("active"u8, true);
        w.WriteStartArray("name"u8);
        w.WriteStartObject();
        w.WriteString("use"u8, "official"u8);
        w.WriteString("family"u8, p.Family);
        w.WriteStartArray("given"u8);
        w.WriteStringValue(p.Given);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        WriteTelecom(w, p);
        w.WriteString("gender"u8, p.Gender);
        Json.Date(w, "birthDate"u8, p.BirthDate);
        WriteAddress(w, p, r);
        w.WriteStartArray("communication"u8);
        w.WriteStartObject();
        Json.Concept(w, "language"u8, Systems.Language, p.Language.Code, p.Language.Display);
        w.WriteBoolean("preferred"u8, true);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        buffers.End(NdjsonFile.Patient);
    }

    private static void WriteTelecom(Utf8JsonWriter w, PatientProfile p)
    {
        if (p.Email is null && p.Phone is null)
        {
            return;
        }

        w.WriteStartArray("telecom"u8);
        if (p.Phone is not null)
        {
            w.WriteStartObject();
            w.WriteString("system"u8, "phone"u8);
            w.WriteString("value"u8, p.Phone);
            w.WriteString("use"u8, p.Age < 13 ? "home"u8 : "mobile"u8);
            w.WriteEndObject();
        }

        if (p.Email is not null)
        {
            w.WriteStartObject();
            w.WriteString("system"u8, "email"u8);
            w.WriteString("value"u8, p.Email);
            w.WriteString("use"u8, "home"u8);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteAddress(Utf8JsonWriter w, PatientProfile p, Random r)
    {
        w.WriteStartArray("address"u8);
        w.WriteStartObject();
        w.WriteString("use"u8, "home"u8);
        w.WriteString("type"u8, "physical"u8);
        w.WriteStartArray("line"u8);
        w.WriteStringValue($"{r.Next(1, 9900)} {r.Pick(Demographics.Streets)} {r.Pick(Demographics.StreetSuffixes)}");
        w.WriteEndArray();
        w.WriteString("city"u8, p.Place.City);
        w.WriteString("state"u8, p.Place.State);
        w.WriteString("postalCode"u8, $"{p.Place.ZipPrefix}{r.Next(1, 100):D2}");
        w.WriteString("country"u8, "US"u8);
        w.WriteEndObject();
        w.WriteEndArray();
    }
}
