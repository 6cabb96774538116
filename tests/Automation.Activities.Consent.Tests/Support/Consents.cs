using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Patients;

namespace Automation.Activities.Consent.Tests.Support;

/// <summary>Builders for consent facts and records around a fixed "now".</summary>
public static class Consents
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static ConsentFact Fact(string id, string decision = "permit", string purpose = "HMARKT", string status = "active", string channel = "email",
        int startDaysAgo = 100, int? endDaysFromNow = null, string version = "1", int? signedDaysAgo = null) =>
        new(id, status, decision, purpose.Length == 0 ? [] : [purpose], channel.Length == 0 ? [] : [channel], Now.AddDays(-startDaysAgo),
            endDaysFromNow is { } end ? Now.AddDays(end) : null, version, signedDaysAgo is { } signed ? Now.AddDays(-signed) : null);

    public static ConsentRecord Record(string id, ConsentRecordKind kind, int daysAgo, string purpose = ConsentPurposes.Marketing, string channel = ConsentChannels.Email,
        string patient = "p1") => new()
    {
        RecordId = id, PatientId = patient, Purpose = purpose, Channel = channel, Kind = kind, RecordedAt = Now.AddDays(-daysAgo), Source = ConsentSources.Api,
    };
}
