using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// Writes CMS EnvelopedData (RFC 5652) for one RSA recipient: key transport with RSAES-PKCS1-v1_5 and the content in
/// AES-256-CBC, with the platform's RSA and AES (BouncyCastle's managed RSA and AES are slower). Importing a certificate's
/// key costs about 240 us here (OpenSSL 3 decodes the certificate, then builds the key), ten times the encryption itself,
/// so the keys of the last <see cref="KeyCacheCapacity"/> certificates are kept (<see cref="ImportedKeyCache{TKey}"/>): a
/// campaign's follow-up to the same recipient reuses the key of its first message.
/// </summary>
internal static class SmimeEnvelope
{
    /// <summary>How many certificates' keys are kept (about 2 KB each).</summary>
    public const int KeyCacheCapacity = 8192;

    private const string EnvelopedDataOid = "1.2.840.113549.1.7.3";
    private const string DataOid = "1.2.840.113549.1.7.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string Aes256CbcOid = "2.16.840.1.101.3.4.1.42";

    private static readonly ImportedKeyCache<SmimeKey> Keys = new(KeyCacheCapacity);

    public static byte[] Encrypt(byte[] content, SmimeRecipient recipient)
    {
        var target = Keys.Get(recipient.Der, ImportKey);
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

    /// <summary>Imports a certificate's RSA key, with the issuer and serial number that name the recipient.</summary>
    /// <param name="der">The certificate, DER-encoded.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidOperationException">The certificate does not hold an RSA key.</exception>
    /// <exception cref="CryptographicException">The certificate does not parse.</exception>
    internal static SmimeKey ImportKey(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var rsa = certificate.GetRSAPublicKey() ?? throw new InvalidOperationException("The recipient certificate does not hold an RSA key.");
        return new SmimeKey(rsa, certificate.IssuerName.RawData, certificate.SerialNumberBytes.ToArray());
    }
}

/// <summary>A recipient's imported RSA key, and the issuer and serial number that name its certificate.</summary>
internal sealed record SmimeKey(RSA Rsa, byte[] Issuer, byte[] Serial);
