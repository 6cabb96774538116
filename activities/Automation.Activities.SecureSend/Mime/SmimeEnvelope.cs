using System.Formats.Asn1;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit.Cryptography;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// Writes CMS EnvelopedData (RFC 5652) for one RSA recipient: key transport with RSAES-PKCS1-v1_5 and the content in
/// AES-256-CBC. The recipient's RSA key is imported once per directory entry and reused; the platform's EnvelopedCms
/// imports it again for every message (about 120 us), and BouncyCastle's managed RSA and AES are slower still.
/// </summary>
internal static class SmimeEnvelope
{
    private const string EnvelopedDataOid = "1.2.840.113549.1.7.3";
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string Aes256CbcOid = "2.16.840.1.101.3.4.1.42";

    private static readonly ConditionalWeakTable<CmsRecipient, Recipient> Recipients = new();

    public static byte[] Encrypt(byte[] content, CmsRecipient recipient)
    {
        var target = Recipients.GetValue(recipient, r =>
        {
            using var certificate = X509CertificateLoader.LoadCertificate(r.Certificate.GetEncoded());
            var rsa = certificate.GetRSAPublicKey() ?? throw new InvalidOperationException("The recipient certificate does not hold an RSA key.");
            return new Recipient(rsa, certificate.IssuerName.RawData, certificate.SerialNumberBytes.ToArray());
        });

        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        byte[] encryptedContent;
        using (var aes = Aes.Create())
        {
            aes.Key = key;
            encryptedContent = aes.EncryptCbc(content, iv, PaddingMode.PKCS7);
        }

        var encryptedKey = target.Rsa.Encrypt(key, RSAEncryptionPadding.Pkcs1);
        CryptographicOperations.ZeroMemory(key);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(EnvelopedDataOid);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(0); // version: issuerAndSerialNumber recipients only
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteInteger(0);
                    using (writer.PushSequence())
                    {
                        writer.WriteEncodedValue(target.Issuer);
                        writer.WriteInteger(target.Serial);
                    }

                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(RsaEncryptionOid);
                        writer.WriteNull();
                    }

                    writer.WriteOctetString(encryptedKey);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(DataOid);
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Aes256CbcOid);
                        writer.WriteOctetString(iv);
                    }

                    writer.WriteOctetString(encryptedContent, new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
        }

        return writer.Encode();
    }

    private sealed record Recipient(RSA Rsa, byte[] Issuer, byte[] Serial);
}
