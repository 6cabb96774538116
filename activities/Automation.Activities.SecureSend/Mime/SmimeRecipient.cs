using MimeKit.Cryptography;
using Org.BouncyCastle.X509;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// A recipient's S/MIME certificate, as the send path uses it. Unsigned messages are enveloped from the DER
/// (<see cref="SmimeEnvelope"/>, which imports each certificate's key once); MimeKit's <see cref="CmsRecipient"/>, which
/// signed messages need, is parsed only when first asked for.
/// </summary>
public sealed class SmimeRecipient
{
    private CmsRecipient? cms;

    /// <summary>Wraps a certificate.</summary>
    /// <param name="der">The certificate, DER-encoded.</param>
    public SmimeRecipient(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        Der = der;
    }

    /// <summary>The certificate, DER-encoded.</summary>
    public byte[] Der { get; }

    /// <summary>The MimeKit recipient, identified by issuer and serial number, with AES-256 as its only algorithm (MimeKit
    /// would otherwise pick 3DES for a recipient whose capabilities it does not know).</summary>
    public CmsRecipient CmsRecipient => cms ??= new CmsRecipient(new X509CertificateParser().ReadCertificate(Der), SubjectIdentifierType.IssuerAndSerialNumber)
    {
        EncryptionAlgorithms = [EncryptionAlgorithm.Aes256],
    };
}
