using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Tests.Support;

namespace Automation.Activities.SecureSend.Tests.Mime;

public sealed class SmimeEnvelopeTests
{
    [Fact]
    public async Task TwoCertificatesSharingIssuerAndSerial_EachMessageOpensOnlyWithItsOwnKey()
    {
        // Issuer and serial number name the recipient inside CMS, but two certificates can share them: the cached key must
        // be the one of the very certificate the message is for.
        var (first, firstKey) = SelfIssued("CN=Shared Name", serial: [0x01, 0x02, 0x03]);
        var (second, secondKey) = SelfIssued("CN=Shared Name", serial: [0x01, 0x02, 0x03]);
        var content = Encoding.ASCII.GetBytes("Content-Type: text/plain\r\n\r\nHbA1c reminder\r\n");

        _ = SmimeEnvelope.Encrypt(content, new SmimeRecipient(first.RawData));
        var envelope = SmimeEnvelope.Encrypt(content, new SmimeRecipient(second.RawData));

        Assert.Equal(content, await OpenSslDecryptAsync(envelope, second, secondKey));
        Assert.NotEqual(content, await OpenSslDecryptAsync(envelope, second, firstKey));
    }

    [Fact]
    public void KeyCache_ReusesAKeyUntilItIsTheOldestBeyondCapacity()
    {
        var cache = new ImportedKeyCache<SmimeKey>(capacity: 2);
        var (a, _) = SelfIssued("CN=a", serial: [1]);
        var (b, _) = SelfIssued("CN=b", serial: [2]);
        var (c, _) = SelfIssued("CN=c", serial: [3]);

        var firstA = cache.Get(a.RawData, SmimeEnvelope.ImportKey);
        cache.Get(b.RawData, SmimeEnvelope.ImportKey);
        var againA = cache.Get([.. a.RawData], SmimeEnvelope.ImportKey); // an equal copy of the DER finds it too
        cache.Get(c.RawData, SmimeEnvelope.ImportKey);

        Assert.Same(firstA, againA);
        Assert.Equal(2, cache.Count);
        Assert.False(cache.Holds(a.RawData));
        Assert.True(cache.Holds(b.RawData));
        Assert.True(cache.Holds(c.RawData));
        Assert.NotSame(firstA, cache.Get(a.RawData, SmimeEnvelope.ImportKey));
        Assert.Equal(a.SerialNumberBytes.ToArray(), firstA.Serial);
    }

    [Fact]
    public void KeyCache_ACertificateWithoutAnRsaKey_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=ec", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var error = Assert.Throws<InvalidOperationException>(() => new ImportedKeyCache<SmimeKey>(4).Get(certificate.RawData, SmimeEnvelope.ImportKey));

        Assert.Contains("RSA", error.Message, StringComparison.Ordinal);
    }

    private static (X509Certificate2 Certificate, string KeyPem) SelfIssued(string subject, byte[] serial)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, critical: true));
        var certificate = request.Create(new X500DistinguishedName(subject), X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
        return (certificate, key.ExportPkcs8PrivateKeyPem());
    }

    // The content, or null when openssl cannot open the envelope with the key.
    private static async Task<byte[]?> OpenSslDecryptAsync(byte[] envelope, X509Certificate2 certificate, string keyPem)
    {
        var input = Tools.WriteTemp("", ".der");
        var recipient = Tools.WriteTemp(certificate.ExportCertificatePem(), ".pem");
        var key = Tools.WriteTemp(keyPem, ".pem");
        var output = Tools.WriteTemp("", ".out");
        try
        {
            await File.WriteAllBytesAsync(input, envelope);
            var result = await Tools.RunAsync("openssl", $"cms -decrypt -inform DER -in {input} -recip {recipient} -inkey {key} -out {output}");
            return result.ExitCode == 0 ? await File.ReadAllBytesAsync(output) : null;
        }
        finally
        {
            foreach (var file in new[] { input, recipient, key, output })
            {
                File.Delete(file);
            }
        }
    }
}
