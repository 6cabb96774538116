using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// Encrypts a message's PHI fields into a <see cref="PortalRecord"/> and back. Each field is its own AES-256-GCM blob
/// with the message id as associated data, so a blob copied into another row does not decrypt.
/// </summary>
internal sealed class PortalSealer(PhiProtector protector)
{
    public string ActiveKeyId => protector.ActiveKeyId;

    public PortalRecord Seal(PortalMessage message, DateTimeOffset createdAt) => new()
    {
        MessageId = message.MessageId,
        PatientId = message.PatientId,
        InstanceId = message.InstanceId,
        KeyId = protector.ActiveKeyId,
        Recipient = protector.ProtectString(message.RecipientAddress, message.MessageId),
        Subject = protector.ProtectString(message.Subject, message.MessageId),
        HtmlBody = protector.ProtectString(message.HtmlBody, message.MessageId),
        TextBody = message.TextBody is null ? null : protector.ProtectString(message.TextBody, message.MessageId),
        CreatedAt = createdAt,
        ExpiresAt = message.ExpiresAt,
    };

    public string OpenRecipient(PortalRecord record) => protector.UnprotectString(record.Recipient, record.MessageId);

    public PortalContent OpenContent(PortalRecord record) => new(
        protector.UnprotectString(record.Subject, record.MessageId),
        protector.UnprotectString(record.HtmlBody, record.MessageId),
        record.TextBody is null ? null : protector.UnprotectString(record.TextBody, record.MessageId));

    public bool NeedsRewrap(PortalRecord record) =>
        protector.NeedsRewrap(record.Recipient) || protector.NeedsRewrap(record.Subject) || protector.NeedsRewrap(record.HtmlBody) ||
        (record.TextBody is not null && protector.NeedsRewrap(record.TextBody)) || record.KeyId != protector.ActiveKeyId;

    /// <summary>The same record with every blob re-encrypted under the active key.</summary>
    public PortalRecord Rewrap(PortalRecord record) => record with
    {
        KeyId = protector.ActiveKeyId,
        Recipient = Reseal(record.Recipient, record.MessageId),
        Subject = Reseal(record.Subject, record.MessageId),
        HtmlBody = Reseal(record.HtmlBody, record.MessageId),
        TextBody = record.TextBody is null ? null : Reseal(record.TextBody, record.MessageId),
    };

    private byte[] Reseal(byte[] blob, string messageId)
    {
        var associatedData = System.Text.Encoding.UTF8.GetBytes(messageId);
        return protector.Protect(protector.Unprotect(blob, associatedData), associatedData);
    }
}
