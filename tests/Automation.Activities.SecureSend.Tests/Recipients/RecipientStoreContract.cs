using System.Security.Cryptography.X509Certificates;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Activities.SecureSend.Tests.Recipients;

/// <summary>The directory contract, run against each store.</summary>
public abstract class RecipientStoreContract : IAsyncLifetime
{
    protected RecipientStore Store { get; set; } = null!;

    private RecipientDirectory Directory => new(Store, new SmimeCertificateImporter([], TimeProvider.System), TimeProvider.System);

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task ImportCertificate_ThenResolve_GivesAnAes256SmimeRecipient()
    {
        var (pem, _, _) = Tools.SmimeRecipient("Ana@Example.org");

        var entry = await Directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(pem), null);
        var resolved = await Directory.ResolveAsync("ana@example.org");

        Assert.Equal("ana@example.org", entry.Address);
        Assert.True(resolved.Capabilities.HasSmimeCertificate);
        Assert.Equal([MimeKit.Cryptography.EncryptionAlgorithm.Aes256], resolved.Smime!.CmsRecipient.EncryptionAlgorithms);
    }

    [Fact]
    public async Task ImportCertificate_Der_IsAccepted()
    {
        var (_, _, certificate) = Tools.SmimeRecipient("der@example.org");

        await Directory.ImportCertificateAsync(certificate.Export(X509ContentType.Cert), null);

        Assert.Single((await Store.GetAsync("der@example.org")).Certificates);
    }

    [Fact]
    public async Task RevokeCertificate_MakesItUnusable()
    {
        var directory = Directory;
        var entry = await directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(Tools.SmimeRecipient("rev@example.org").CertificatePem), null);

        Assert.True(await directory.RevokeCertificateAsync(entry.Thumbprint));
        var resolved = await directory.ResolveAsync("rev@example.org");

        Assert.False(resolved.Capabilities.HasSmimeCertificate);
        Assert.Contains("certificate revoked", resolved.Capabilities.Notes!);
    }

    [Fact]
    public async Task ImportPgp_PortalAndDomain_AreListed()
    {
        var (home, key) = await Tools.GpgKeyAsync("pgp@example.org");
        try
        {
            var directory = Directory;
            await directory.ImportPgpKeyAsync(key, null);
            await directory.EnrollPortalAsync("Portal@Example.org");
            await directory.SetDomainTlsAsync("Example.org", true);

            var list = await Store.ListAsync();
            var resolved = await directory.ResolveAsync("pgp@example.org");

            Assert.Equal(["pgp@example.org", "portal@example.org"], list.Select(r => r.Address));
            Assert.True(list[1].PortalEnrolled);
            Assert.All(list, r => Assert.True(r.DomainRequiresTls));
            Assert.True(resolved.Capabilities.HasPgpKey);
            Assert.True(resolved.PgpKey!.IsEncryptionKey);
            Assert.Equal([("example.org", true)], await Store.ListDomainsAsync());
        }
        finally
        {
            System.IO.Directory.Delete(home, true);
        }
    }

    [Fact]
    public async Task GetMany_GivesEachAddressItsOwnRecord_InTheOrderAsked_RepeatsAndUnknownsIncluded()
    {
        var directory = Directory;
        await directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(Tools.SmimeRecipient("cert@one.org").CertificatePem), null);
        await directory.EnrollPortalAsync("portal@two.org");
        await directory.SetDomainTlsAsync("two.org", true);

        var records = await Store.GetManyAsync(["portal@two.org", "nobody@one.org", "cert@one.org", "portal@two.org"]);

        Assert.Equal(["portal@two.org", "nobody@one.org", "cert@one.org", "portal@two.org"], records.Select(r => r.Address));
        Assert.Equal([false, false, true, false], records.Select(r => r.Certificates.Count == 1));
        Assert.Equal([true, false, false, true], records.Select(r => r.PortalEnrolled));
        Assert.Equal([true, false, false, true], records.Select(r => r.DomainRequiresTls));
        Assert.All(records, r => Assert.Empty(r.PgpKeys));
        Assert.Empty(await Store.GetManyAsync([]));
    }

    [Fact]
    public async Task ConcurrentResolves_EachGetTheirOwnRecipient()
    {
        var directory = Directory;
        var addresses = Enumerable.Range(0, 12).Select(i => $"r{i}@many.org").ToList();
        foreach (var address in addresses.Where((_, i) => i % 3 == 0))
        {
            await directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(Tools.SmimeRecipient(address).CertificatePem), null);
        }

        foreach (var address in addresses.Where((_, i) => i % 3 == 1))
        {
            await directory.EnrollPortalAsync(address);
        }

        var resolved = await Task.WhenAll(addresses.Select(a => Task.Run(() => directory.ResolveAsync(a))));

        Assert.Equal(addresses, resolved.Select(r => r.Address));
        Assert.Equal(addresses.Select((_, i) => i % 3 == 0), resolved.Select(r => r.Capabilities.HasSmimeCertificate));
        Assert.Equal(addresses.Select((_, i) => i % 3 == 1), resolved.Select(r => r.Capabilities.PortalEnrolled));
    }

    [Fact]
    public async Task ImportCertificate_Twice_ReplacesNotDuplicates()
    {
        var pem = System.Text.Encoding.ASCII.GetBytes(Tools.SmimeRecipient("twice@example.org").CertificatePem);

        await Directory.ImportCertificateAsync(pem, null);
        await Directory.ImportCertificateAsync(pem, null);

        Assert.Single((await Store.GetAsync("twice@example.org")).Certificates);
    }
}

public sealed class SqliteRecipientStoreTests : RecipientStoreContract
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("recipients").FullName;

    public override async Task InitializeAsync()
    {
        Store = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "nested", "r.db")}");
        await Store.MigrateAsync();
        await Store.MigrateAsync(); // idempotent
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(folder, true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresRecipientStoreTests : RecipientStoreContract
{
    private readonly string schema = "securesend_" + Guid.NewGuid().ToString("N");
    private readonly string baseConnection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
        ? configured : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

    public override async Task InitializeAsync()
    {
        await using (var connection = new NpgsqlConnection(baseConnection))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        Store = RecipientStore.Create("postgres", new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema }.ConnectionString);
        await Store.MigrateAsync();
        await Store.MigrateAsync();
    }

    public override async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(baseConnection);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
