using System.Data.Common;
using System.Text.Json;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>The column mapping and checks both store dialects share.</summary>
internal static class TrackingColumns
{
    public const string Message = "message_id, patient_id, instance_id, definition_id, purpose, links, sent_at";
    public const string Event = "event_id, message_id, patient_id, type, at, automated, reason, user_agent_hash";

    public static void Check(TrackedMessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.MessageId) || string.IsNullOrWhiteSpace(message.PatientId) || string.IsNullOrWhiteSpace(message.Purpose))
        {
            throw new ArgumentException("A tracked message needs messageId, patientId and purpose.", nameof(message));
        }
    }

    public static void Check(EngagementEvent engagement)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        if (string.IsNullOrWhiteSpace(engagement.EventId) || string.IsNullOrWhiteSpace(engagement.MessageId) || string.IsNullOrWhiteSpace(engagement.PatientId))
        {
            throw new ArgumentException("An engagement event needs eventId, messageId and patientId.", nameof(engagement));
        }

        if (!EngagementTypes.IsValid(engagement.Type))
        {
            throw new ArgumentException("An engagement event's type must be open, click, unsubscribe, portal_login or form_completed.", nameof(engagement));
        }
    }

    public static string Links(IReadOnlyList<string> links) => JsonSerializer.Serialize(links);

    public static TrackedMessageRecord ReadMessage(DbDataReader r) => new()
    {
        MessageId = r.GetString(0), PatientId = r.GetString(1), InstanceId = r.GetString(2), DefinitionId = r.GetString(3), Purpose = r.GetString(4),
        Links = JsonSerializer.Deserialize<List<string>>(r.GetString(5)) ?? [], SentAt = FromMicros(r.GetInt64(6)),
    };

    public static EngagementEvent ReadEvent(DbDataReader r) => new()
    {
        EventId = r.GetString(0), MessageId = r.GetString(1), PatientId = r.GetString(2), Type = r.GetString(3), At = FromMicros(r.GetInt64(4)),
        Automated = r.GetInt64(5) != 0, Reason = r.IsDBNull(6) ? null : r.GetString(6), UserAgentHash = r.IsDBNull(7) ? null : r.GetString(7),
    };

    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);
}
