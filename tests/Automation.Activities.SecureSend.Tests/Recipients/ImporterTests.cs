using System.Security.Cryptography.X509Certificates;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tests.Support;

namespace Automation.Activities.SecureSend.Tests.Recipients;

public sealed class ImporterTests
{
    private readonly SmimeCertificateImporter importer = new([], TimeProvider.System);

    private static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    [Fact]
    public void ImportCertificate_Garbage_SaysMalformed()
    {
        var exception = Assert.Throws<RecipientImportException>(() => importer.Import([1, 2, 3, 4], null));

        Assert.Equal("certificate", exception.Field);
        Assert.Contains("malformed", exception.Message);
    }

    [Fact]
    public void ImportCertificate_KeyInsteadOfCertificate_SaysSo()
    {
        var exception = Assert.Throws<RecipientImportException>(() => importer.Import(Ascii(Tools.SmimeRecipient("a@example.org").KeyPem), null));

        Assert.Contains("no CERTIFICATE block", exception.Message);
    }

    [Fact]
    public void ImportCertificate_Expired_IsRefused()
    {
        var (pem, _, _) = Tools.SmimeRecipient("old@example.org", DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1));

        var exception = Assert.Throws<RecipientImportException>(() => importer.Import(Ascii(pem), null));

        Assert.StartsWith("The certificate expired on", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportCertificate_WithoutKeyEncipherment_IsRefused()
    {
        var (pem, _, _) = Tools.SmimeRecipient("sign@example.org", usage: X509KeyUsageFlags.DigitalSignature);

        var exception = Assert.Throws<RecipientImportException>(() => importer.Import(Ascii(pem), null));

        Assert.Contains("key encipherment", exception.Message);
    }

    [Fact]
    public void ImportCertificate_NotChainingToTheTrustAnchor_IsRefused()
    {
        var (_, _, anchor) = Tools.SmimeRecipient("ca@example.org");
        var strict = new SmimeCertificateImporter([anchor], TimeProvider.System);

        var exception = Assert.Throws<RecipientImportException>(() => strict.Import(Ascii(Tools.SmimeRecipient("x@example.org").CertificatePem), null));

        Assert.Contains("does not chain to a configured trust anchor", exception.Message);
    }

    [Fact]
    public void ImportPgp_NotAKey_SaysSo()
    {
        var exception = Assert.Throws<RecipientImportException>(() => new PgpKeyImporter(TimeProvider.System).Import("hello", null));

        Assert.Equal("key", exception.Field);
        Assert.Contains("not an ASCII-armored OpenPGP public key block", exception.Message);
    }

    [Fact]
    public void ImportPgp_CorruptArmor_SaysMalformed()
    {
        var armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBGZZZZZZ!!!!notbase64\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";

        var exception = Assert.Throws<RecipientImportException>(() => new PgpKeyImporter(TimeProvider.System).Import(armored, null));

        Assert.Contains("malformed", exception.Message);
    }
}
