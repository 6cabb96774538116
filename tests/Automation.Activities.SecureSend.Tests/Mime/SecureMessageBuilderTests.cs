using System.Security.Cryptography;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Policies;
using Automation.Activities.SecureSend.Tracking;
using Microsoft.Data.Sqlite;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace Automation.Activities.SecureSend.Tests.Mime;

public sealed class SecureMessageBuilderTests : IDisposable
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("securesend-mime").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(folder, true);
    }

    private static OutgoingMessage Message(Uri? unsubscribe = null) =>
        new("0123456789abcdef0123456789abcdef", "care@clinic.example.org", "ana@example.org", "Hello", "<p>Hi</p>", "Hi", [], unsubscribe);

    [Fact]
    public void BuildPlain_WithDkimKey_CarriesAVerifiableSignature()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(folder, "dkim.pem");
        File.WriteAllText(keyFile, rsa.ExportRSAPrivateKeyPem());
        var builder = new SecureMessageBuilder(new SecureSendOptions { From = "care@clinic.example.org", Dkim = new DkimOptions { PrivateKeyFile = keyFile, Domain = "clinic.example.org", Selector = "s1" } }, TimeProvider.System);

        var message = MimeMessage.Load(new MemoryStream(builder.BuildPlain(Message())));

        var signature = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
        Assert.Contains("d=clinic.example.org", signature.Value);
        Assert.Contains("s=s1", signature.Value);
        var verifier = new DkimVerifier(new SingleKeyLocator(DotNetUtilities.GetRsaPublicKey(rsa)));
        Assert.True(verifier.Verify(message, signature));
    }

    [Fact]
    public async Task Marketing_WithInstrumentation_HasOneClickUnsubscribeHeaders_TreatmentHasNone()
    {
        var store = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "d.db")}");
        await store.MigrateAsync();
        var options = new SecureSendOptions { From = "care@clinic.example.org" };
        var sender = new SecureSender(new RecipientDirectory(store, new SmimeCertificateImporter([], TimeProvider.System), TimeProvider.System), new PolicyLoader(null),
            new SecureMessageBuilder(options, TimeProvider.System), options, TimeProvider.System, instrumentation: new FakeInstrumentation());

        var marketing = await sender.PrepareAsync(Support.Harness.Request("ana@example.org", "<p>News for {{ Patient.firstName }}</p>", purpose: "marketing"));
        var treatment = await sender.PrepareAsync(Support.Harness.Request("ana@example.org", "<p>Hi {{ Patient.firstName }}</p>", purpose: "treatment"));

        var headers = MimeMessage.Load(new MemoryStream(marketing.Envelope!.Mime)).Headers;
        Assert.Equal("<https://track.example.org/u/x>", headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", headers["List-Unsubscribe-Post"]);
        Assert.Contains("tracked", System.Text.Encoding.UTF8.GetString(marketing.Envelope.Mime));
        Assert.Null(MimeMessage.Load(new MemoryStream(treatment.Envelope!.Mime)).Headers["List-Unsubscribe"]);
    }

    private sealed class SingleKeyLocator(AsymmetricKeyParameter key) : IDkimPublicKeyLocator
    {
        public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => key;

        public Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) => Task.FromResult(key);
    }

    private sealed class FakeInstrumentation : IMessageInstrumentation
    {
        public Task<InstrumentedMessage> InstrumentAsync(TrackedMessage message, CancellationToken cancellationToken = default) =>
            Task.FromResult(new InstrumentedMessage(message.Html + "<img src=\"https://track.example.org/o\" alt=\"tracked\">", message.Text,
                message.IsMarketing ? new Uri("https://track.example.org/u/x") : null));
    }
}
