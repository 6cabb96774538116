using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.SecureSend.Tests.Recipients;

/// <summary>Certificates and keys that were fine at import become unusable when they expire.</summary>
public sealed class ExpiryTests : IDisposable
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("securesend-expiry").FullName;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(folder, true);
    }

    private async Task<RecipientDirectory> DirectoryAsync()
    {
        var store = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "d.db")}");
        await store.MigrateAsync();
        return new RecipientDirectory(store, new SmimeCertificateImporter([], clock), clock);
    }

    [Fact]
    public async Task Resolve_CertificateExpiredSinceImport_IsUnusableWithTheReason()
    {
        var directory = await DirectoryAsync();
        var (pem, _, _) = Tools.SmimeRecipient("ana@example.org", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        await directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(pem), null);
        Assert.True((await directory.ResolveAsync("ana@example.org")).Capabilities.HasSmimeCertificate);

        clock.Advance(TimeSpan.FromDays(3));
        var resolved = await directory.ResolveAsync("ana@example.org");

        Assert.False(resolved.Capabilities.HasSmimeCertificate);
        Assert.Contains("certificate expired or not yet valid", resolved.Capabilities.Notes!);
    }

    [Fact]
    public async Task Cache_IsBounded_SoManyAddressesDoNotPinEveryParsedCertificate()
    {
        var store = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "d.db")}");
        await store.MigrateAsync();
        var directory = new RecipientDirectory(store, new SmimeCertificateImporter([], clock), clock) { CacheLifetime = TimeSpan.FromHours(1), MaxCachedAddresses = 2 };
        var (pem, _, _) = Tools.SmimeRecipient("ana@example.org", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var imported = await directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(pem), null);
        Assert.True((await directory.ResolveAsync("ana@example.org")).Capabilities.HasSmimeCertificate);

        // Revoked behind the directory's back: within the cache lifetime the cached lookup still answers...
        await store.RevokeCertificateAsync(imported.Thumbprint);
        Assert.True((await directory.ResolveAsync("ana@example.org")).Capabilities.HasSmimeCertificate);

        // ...until other addresses fill the cache, which then starts over instead of growing.
        await directory.ResolveAsync("ben@example.org");
        await directory.ResolveAsync("cy@example.org");
        Assert.False((await directory.ResolveAsync("ana@example.org")).Capabilities.HasSmimeCertificate);
    }

    [Fact]
    public async Task Resolve_PgpSubkeyExpiredSinceImport_IsUnusable()
    {
        var home = System.IO.Directory.CreateTempSubdirectory("gpg").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["GNUPGHOME"] = home };
            Assert.Equal(0, (await Tools.RunAsync("gpg", "--batch --passphrase \"\" --quick-gen-key \"T <exp@example.org>\" rsa2048 sign,cert never", environment)).ExitCode);
            var fingerprint = (await Tools.RunAsync("gpg", "--batch --list-keys --with-colons", environment)).Output.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
            Assert.Equal(0, (await Tools.RunAsync("gpg", $"--batch --passphrase \"\" --quick-add-key {fingerprint} rsa2048 encr 2d", environment)).ExitCode);
            var key = (await Tools.RunAsync("gpg", "--batch --armor --export exp@example.org", environment)).Output;
            var directory = await DirectoryAsync();
            await directory.ImportPgpKeyAsync(key, null);
            Assert.True((await directory.ResolveAsync("exp@example.org")).Capabilities.HasPgpKey);

            clock.Advance(TimeSpan.FromDays(3));

            Assert.False((await directory.ResolveAsync("exp@example.org")).Capabilities.HasPgpKey);
        }
        finally
        {
            System.IO.Directory.Delete(home, true);
        }
    }
}
