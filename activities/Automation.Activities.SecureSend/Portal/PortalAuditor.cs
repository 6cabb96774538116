using Automation.Engine.Audit;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>Writes <c>portal.access</c> records: ids and the patient's keyed hash only, never the address or content.</summary>
internal sealed class PortalAuditor(IAuditLog log, PatientIdHasher hasher)
{
    /// <summary>The actor of steps taken through the pickup link (the person holding it is not known to us).</summary>
    public const string Recipient = "recipient";

    public Task RecordAsync(string result, string messageId, PortalRecord? record, string actor = Recipient, CancellationToken cancellationToken = default) =>
        log.AppendAsync(
            new AuditEntry
            {
                Action = AuditActions.PortalAccess,
                Actor = actor,
                Result = result,
                MessageId = messageId,
                InstanceId = record is { InstanceId.Length: > 0 } ? record.InstanceId : null,
                PatientHash = record is null ? null : hasher.Hash(record.PatientId),
                Method = "portal",
            },
            cancellationToken);
}
