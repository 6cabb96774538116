using System.Text.Json;
using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Delivery;

/// <summary>
/// The payload of a <c>secure-send</c> outbox message: the finished MIME and its delivery facts, encrypted with
/// <see cref="PhiProtector"/> (the MIME may hold PHI, the address always does) and bound to the message id.
/// </summary>
/// <param name="From">The envelope sender.</param>
/// <param name="To">The recipient.</param>
/// <param name="Method">The method chosen.</param>
/// <param name="RequireTls">Whether TLS 1.2+ is required.</param>
/// <param name="PatientHash">The hashed patient id, for audit records.</param>
/// <param name="Mime">The finished MIME bytes.</param>
public sealed record OutboxEnvelope(string From, string To, string Method, bool RequireTls, string? PatientHash, byte[] Mime)
{
    /// <summary>The outbox topic.</summary>
    public const string Topic = "secure-send";

    /// <summary>Encrypts the envelope for the outbox.</summary>
    /// <param name="protector">The PHI key ring.</param>
    /// <param name="messageKey">The message id (bound as associated data).</param>
    /// <returns>The payload.</returns>
    public byte[] Protect(PhiProtector protector, string messageKey)
    {
        ArgumentNullException.ThrowIfNull(protector);
        return protector.Protect(JsonSerializer.SerializeToUtf8Bytes(this), System.Text.Encoding.UTF8.GetBytes(messageKey));
    }

    /// <summary>Decrypts a payload.</summary>
    /// <param name="protector">The PHI key ring.</param>
    /// <param name="messageKey">The message id.</param>
    /// <param name="payload">The payload.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The payload was altered or its key is gone.</exception>
    /// <exception cref="JsonException">The payload is not an envelope.</exception>
    public static OutboxEnvelope Unprotect(PhiProtector protector, string messageKey, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(protector);
        var clear = protector.Unprotect(payload, System.Text.Encoding.UTF8.GetBytes(messageKey));
        return JsonSerializer.Deserialize<OutboxEnvelope>(clear) ?? throw new JsonException("The outbox payload is empty.");
    }
}
