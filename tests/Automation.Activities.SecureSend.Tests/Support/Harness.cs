using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Policies;
using Automation.Activities.SecureSend.Portal;
using Automation.Engine.Audit;
using Microsoft.Data.Sqlite;

namespace Automation.Activities.SecureSend.Tests.Support;

/// <summary>A secure send pipeline over a temporary SQLite directory.</summary>
internal sealed class Harness : IDisposable
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("securesend").FullName;

    public Harness(IPortalMailbox? portal = null, string? policyDirectory = null)
    {
        var store = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "directory.db")}");
        store.MigrateAsync().GetAwaiter().GetResult();
        Directory = new RecipientDirectory(store, new SmimeCertificateImporter([], TimeProvider.System), TimeProvider.System);
        Portal = portal;
        Sender = new SecureSender(Directory, new PolicyLoader(policyDirectory), new SecureMessageBuilder(Options, TimeProvider.System), Options, TimeProvider.System,
            Hasher, portal);
    }

    public static PatientIdHasher Hasher { get; } = new(new byte[32]);

    public SecureSendOptions Options { get; } = new() { From = "care@clinic.example.org" };

    public RecipientDirectory Directory { get; }

    public IPortalMailbox? Portal { get; }

    public SecureSender Sender { get; }

    public static SendRequest Request(string recipient, string html = "<p>Your HbA1c: {{ Patient.labs['4548-4'].value }}</p>", string subject = "A message from your clinic", bool? containsPhi = null, string purpose = "treatment", string? text = null) =>
        new(MessageKeys.For("instance-1", "send", recipient), recipient, "p1", "instance-1", "journey", subject, html, text, Patient(recipient), purpose, null, containsPhi, []);

    public static Dictionary<string, object?> Patient(string email) => new()
    {
        ["id"] = "p1",
        ["firstName"] = "Ana",
        ["email"] = email,
        ["labs"] = new Dictionary<string, object?> { ["4548-4"] = new Dictionary<string, object?> { ["value"] = 8.4 } },
        ["conditions"] = new List<object?> { new Dictionary<string, object?> { ["code"] = "44054006", ["display"] = "Diabetes" } },
    };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
