using Automation.Activities.Consent.Registry;

namespace Automation.Activities.Consent.Records;

/// <summary>The column mapping both dialects share.</summary>
internal static class RecordColumns
{
    public const string List = "record_id, patient_id, purpose, channel, kind, recorded_at, source";

    public static ConsentRecord Read(System.Data.Common.DbDataReader r) => new()
    {
        RecordId = r.GetString(0),
        PatientId = r.GetString(1),
        Purpose = r.GetString(2),
        Channel = r.GetString(3),
        Kind = r.GetString(4) == "opt-out" ? ConsentRecordKind.OptOut : ConsentRecordKind.OptIn,
        RecordedAt = FromMicros(r.GetInt64(5)),
        Source = r.GetString(6),
    };

    public static void AddTo(Dictionary<string, List<ConsentRecord>> byPatient, ConsentRecord record)
    {
        if (!byPatient.TryGetValue(record.PatientId, out var list))
        {
            list = [];
            byPatient[record.PatientId] = list;
        }

        list.Add(record);
    }

    public static void Check(ConsentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Validate() is { } problem)
        {
            throw new ArgumentException("Invalid consent record: " + problem, nameof(record));
        }
    }

    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);
}
