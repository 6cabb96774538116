using System.Globalization;

namespace Automation.Activities.Fhir.Patients;

/// <summary>The plain-JSON view of a patient context that workflows (JavaScript, Liquid, segments) read.</summary>
internal static class PatientContextJson
{
    public static Dictionary<string, object?> ToPlain(PatientContext p, DateOnly today) => new()
    {
        ["id"] = p.Id,
        ["reference"] = "Patient/" + p.Id,
        ["firstName"] = p.FirstName,
        ["lastName"] = p.LastName,
        ["birthDate"] = p.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["age"] = p.AgeOn(today) is { } age ? (long)age : null,
        ["gender"] = p.Gender,
        ["email"] = p.Email,
        ["phone"] = p.Phone,
        ["language"] = p.Language,
        ["timeZone"] = UsTimeZones.ForState(p.Address?.State),
        ["address"] = p.Address is null ? null : new Dictionary<string, object?>
        {
            ["line"] = p.Address.Line, ["city"] = p.Address.City, ["state"] = p.Address.State, ["postalCode"] = p.Address.PostalCode,
        },
        ["coverages"] = p.Coverages.Select(c => (object?)new Dictionary<string, object?>
        {
            ["kind"] = c.Kind, ["code"] = c.Code, ["status"] = c.Status, ["start"] = Date(c.Start), ["end"] = Date(c.End),
        }).ToList(),
        ["conditions"] = p.Conditions.Select(c => (object?)new Dictionary<string, object?>
        {
            ["code"] = c.Code, ["system"] = c.System, ["display"] = c.Display, ["clinicalStatus"] = c.ClinicalStatus, ["onset"] = Instant(c.Onset),
            ["codes"] = c.Codings.Select(x => (object?)x.Code).ToList(),
            ["codings"] = c.Codings.Select(x => (object?)new Dictionary<string, object?> { ["system"] = x.System, ["code"] = x.Code }).ToList(),
        }).ToList(),
        ["medications"] = p.Medications.Select(m => (object?)new Dictionary<string, object?>
        {
            ["code"] = m.Code, ["display"] = m.Display, ["status"] = m.Status, ["authoredOn"] = Instant(m.AuthoredOn),
        }).ToList(),
        ["labs"] = p.LatestLabs.ToDictionary(l => l.Key, l => (object?)new Dictionary<string, object?>
        {
            ["code"] = l.Value.Code, ["value"] = l.Value.Value is { } v ? (double)v : null, ["unit"] = l.Value.Unit, ["at"] = Instant(l.Value.EffectiveAt),
        }),
        ["immunizations"] = p.Immunizations.Select(i => (object?)new Dictionary<string, object?>
        {
            ["code"] = i.Code, ["status"] = i.Status, ["at"] = Instant(i.OccurredAt),
        }).ToList(),
        ["appointments"] = p.Appointments.Select(a => (object?)Appointment(a)).ToList(),
        ["encounters"] = p.Encounters.Select(e => (object?)new Dictionary<string, object?>
        {
            ["id"] = e.Id, ["class"] = e.Class, ["status"] = e.Status, ["start"] = Instant(e.Start), ["end"] = Instant(e.End),
        }).ToList(),
        ["consents"] = p.Consents.Select(c => (object?)new Dictionary<string, object?>
        {
            ["id"] = c.Id, ["status"] = c.Status, ["decision"] = c.Decision, ["purposes"] = c.Purposes.Select(x => (object?)x).ToList(),
            ["channels"] = c.Channels.Select(x => (object?)x).ToList(), ["start"] = Instant(c.Start), ["end"] = Instant(c.End),
            ["versionId"] = c.VersionId, ["dateTime"] = Instant(c.DateTime),
        }).ToList(),
        ["engagement"] = p.Engagement.Select(e => (object?)new Dictionary<string, object?>
        {
            ["type"] = e.Type, ["at"] = Instant(e.At), ["automated"] = e.Automated, ["messageId"] = e.MessageId,
        }).ToList(),
    };

    public static Dictionary<string, object?> Appointment(AppointmentFact a) => new()
    {
        ["id"] = a.Id, ["status"] = a.Status, ["start"] = Instant(a.Start), ["end"] = Instant(a.End),
        ["practitioner"] = a.Practitioner, ["location"] = a.Location, ["description"] = a.Description,
    };

    private static string? Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Instant(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture);
}
