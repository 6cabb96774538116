using System.Data.Common;
using Automation.Engine.Audit;

namespace Automation.Persistence.Audit;

/// <summary>The audit record columns, in the order both dialects select them.</summary>
internal static class AuditColumns
{
    public const string Select = "sequence, time, action, actor, result, instance_id, message_id, patient_hash, policy, method, tls_protocol, tls_cipher, details, previous_hash, hash";

    public static AuditRecord Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time) => new(
        reader.GetInt64(0),
        time(reader, 1),
        new AuditEntry
        {
            Action = reader.GetString(2),
            Actor = reader.GetString(3),
            Result = reader.GetString(4),
            InstanceId = Text(reader, 5),
            MessageId = Text(reader, 6),
            PatientHash = Text(reader, 7),
            Policy = Text(reader, 8),
            Method = Text(reader, 9),
            TlsProtocol = Text(reader, 10),
            TlsCipher = Text(reader, 11),
            Details = AuditDetails.Parse(Text(reader, 12)),
        },
        reader.GetString(13),
        reader.GetString(14));

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
