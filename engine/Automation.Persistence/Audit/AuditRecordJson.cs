using System.Text.Json;
using System.Text.Json.Serialization;
using Automation.Engine.Audit;

namespace Automation.Persistence.Audit;

/// <summary>
/// The JSON shape of an audit record for exports and the API: one flat object with camel-case names
/// (<c>sequence, time, action, actor, result, instanceId, messageId, patientHash, policy, method, tlsProtocol,
/// tlsCipher, details, previousHash, hash</c>), absent fields omitted, time as UTC ISO-8601 with six fractional digits,
/// exactly as the hash covers it, so an auditor can recompute every hash from an export.
/// </summary>
public static class AuditRecordJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The flat view of a record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The view.</returns>
    public static AuditRecordView ToView(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = record.Entry;
        return new AuditRecordView(
            record.Sequence, AuditChain.FormatTime(record.Time), e.Action, e.Actor, e.Result, e.InstanceId, e.MessageId, e.PatientHash,
            e.Policy, e.Method, e.TlsProtocol, e.TlsCipher,
            e.Details is { Count: > 0 } details ? new SortedDictionary<string, string>(details.ToDictionary(), StringComparer.Ordinal) : null,
            record.PreviousHash, record.Hash);
    }

    /// <summary>One JSON line (no trailing newline).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The compact JSON.</returns>
    public static string ToJsonLine(AuditRecord record) => JsonSerializer.Serialize(ToView(record), Options);
}

/// <summary>An audit record as exported (see <see cref="AuditRecordJson"/>).</summary>
/// <param name="Sequence">Gap-free position in the log.</param>
/// <param name="Time">UTC ISO-8601 with six fractional digits.</param>
/// <param name="Action">What happened.</param>
/// <param name="Actor">Who did it.</param>
/// <param name="Result">The outcome.</param>
/// <param name="InstanceId">The workflow instance.</param>
/// <param name="MessageId">The message id.</param>
/// <param name="PatientHash">The keyed patient hash.</param>
/// <param name="Policy">The deciding policy.</param>
/// <param name="Method">The delivery method.</param>
/// <param name="TlsProtocol">The TLS protocol.</param>
/// <param name="TlsCipher">The TLS cipher suite.</param>
/// <param name="Details">Further evidence, keys sorted.</param>
/// <param name="PreviousHash">The previous record's hash.</param>
/// <param name="Hash">This record's hash.</param>
public sealed record AuditRecordView(
    long Sequence, string Time, string Action, string Actor, string Result, string? InstanceId, string? MessageId, string? PatientHash,
    string? Policy, string? Method, string? TlsProtocol, string? TlsCipher, IReadOnlyDictionary<string, string>? Details, string PreviousHash, string Hash);
