using System.Text.Json;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Writes Appointments (past fulfilled/noshow/cancelled, future booked) and Encounters (ambulatory for fulfilled
/// appointments, plus emergency visits and inpatient stays).</summary>
internal static class VisitWriter
{
    private static readonly Weighted<string> PastStatus = new(("fulfilled", 78), ("noshow", 9), ("cancelled", 13));
    private static readonly int[] Durations = [15, 20, 30, 30, 45, 60];

    public static void Write(ChunkBuffers buffers, PatientProfile p, Random r)
    {
        var appointments = 0;
        var encounters = 0;
        var practitioner = r.Pick(Clinical.Practitioners);
        var location = r.Pick(Clinical.Locations);
        var past = r.Next(0, 5);
        for (var i = 0; i < past; i++)
        {
            var start = r.ClinicTime(p.TodayUtc.AddDays(-r.Next(1, 366)));
            var end = start.AddMinutes(r.Pick(Durations));
            var status = PastStatus.Pick(r);
            var visit = r.Pick(Clinical.VisitTypes);
            Appointment(buffers, p, ++appointments, status, visit, start, end, practitioner, location);
            if (status == "fulfilled")
            {
                Encounter(buffers, p, ++encounters, "AMB", "ambulatory", start, end, practitioner, location, appointments);
            }
        }

        var future = r.Chance(0.55) ? (r.Chance(0.15) ? 2 : 1) : 0;
        for (var i = 0; i < future; i++)
        {
            var start = r.ClinicTime(p.TodayUtc.AddDays(r.Next(0, 61)));
            Appointment(buffers, p, ++appointments, "booked", r.Pick(Clinical.VisitTypes), start, start.AddMinutes(r.Pick(Durations)), practitioner, location);
        }

        if (r.Chance(0.06))
        {
            var start = p.TodayUtc.AddDays(-r.Next(1, 3 * 365)).AddMinutes(r.Next(24 * 60));
            Encounter(buffers, p, ++encounters, "EMER", "emergency", start, start.AddMinutes(r.Next(90, 600)), null, "St. Example Hospital Emergency Department", 0);
        }

        if (r.Chance(p.Age >= 65 ? 0.12 : p.Has(Problems.Pregnancy) ? 0.1 : 0.035))
        {
            var start = p.TodayUtc.AddDays(-r.Next(2, 3 * 365)).AddMinutes(r.Next(24 * 60));
            var end = start.AddDays(r.Next(1, 9)).AddMinutes(r.Next(-300, 300));
            Encounter(buffers, p, ++encounters, "IMP", "inpatient encounter", start, end, practitioner, "St. Example Hospital", 0);
        }
    }

    private static void Appointment(
        ChunkBuffers buffers, PatientProfile p, int n, string status, (string Code, string Display, string Description) visit,
        DateTime start, DateTime end, string practitioner, string location)
    {
        var w = buffers.Begin(NdjsonFile.Appointment);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Appointment"u8);
        Json.Id(w, "appt", p, n);
        w.WriteString("status"u8, status);
        if (status == "cancelled")
        {
            w.WriteStartObject("cancelationReason"u8);
            w.WriteString("text"u8, "Patient request"u8);
            w.WriteEndObject();
        }

        Json.Concept(w, "appointmentType"u8, "http://terminology.hl7.org/CodeSystem/v2-0276", visit.Code, visit.Display);
        w.WriteString("description"u8, visit.Description);
        Json.Instant(w, "start"u8, start);
        Json.Instant(w, "end"u8, end);
        w.WriteNumber("minutesDuration"u8, (int)(end - start).TotalMinutes);
        w.WriteStartArray("participant"u8);
        w.WriteStartObject();
        Json.Reference(w, "actor"u8, p);
        w.WriteString("required"u8, "required"u8);
        w.WriteString("status"u8, "accepted"u8);
        w.WriteEndObject();
        Participant(w, practitioner);
        Participant(w, location);
        w.WriteEndArray();
        w.WriteEndObject();
        buffers.End(NdjsonFile.Appointment);
    }

    private static void Participant(Utf8JsonWriter w, string display)
    {
        w.WriteStartObject();
        Json.Display(w, "actor"u8, display);
        w.WriteString("required"u8, "required"u8);
        w.WriteString("status"u8, "accepted"u8);
        w.WriteEndObject();
    }

    private static void Encounter(
        ChunkBuffers buffers, PatientProfile p, int n, string classCode, string classDisplay, DateTime start, DateTime end,
        string? practitioner, string location, int appointment)
    {
        var w = buffers.Begin(NdjsonFile.Encounter);
        w.WriteStartObject();
        w.WriteString("resourceType"u8, "Encounter"u8);
        Json.Id(w, "enc", p, n);
        w.WriteString("status"u8, "finished"u8);
        w.WriteStartObject("class"u8);
        w.WriteString("system"u8, Systems.ActCode);
        w.WriteString("code"u8, classCode);
        w.WriteString("display"u8, classDisplay);
        w.WriteEndObject();
        Json.Reference(w, "subject"u8, p);
        if (practitioner is not null)
        {
            w.WriteStartArray("participant"u8);
            w.WriteStartObject();
            Json.Display(w, "individual"u8, practitioner);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (appointment > 0)
        {
            w.WriteStartArray("appointment"u8);
            w.WriteStartObject();
            Span<byte> id = stackalloc byte[64];
            var pos = 0;
            "Appointment/appt-"u8.CopyTo(id);
            pos += "Appointment/appt-"u8.Length;
            p.Digits.CopyTo(id[pos..]);
            pos += p.Digits.Length;
            id[pos++] = (byte)'-';
            System.Buffers.Text.Utf8Formatter.TryFormat(appointment, id[pos..], out var written);
            w.WriteString("reference"u8, id[..(pos + written)]);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        Json.Period(w, start, end);
        w.WriteStartArray("location"u8);
        w.WriteStartObject();
        Json.Display(w, "location"u8, location);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        buffers.End(NdjsonFile.Encounter);
    }
}
