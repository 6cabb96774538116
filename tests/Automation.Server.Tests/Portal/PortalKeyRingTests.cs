using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Automation.Engine.Security;
using Automation.Server.Hosting;
using Automation.Server.Security;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Automation.Server.Tests.Portal;

/// <summary>
/// The data-protection key ring (it signs the portal's antiforgery tokens) lives in the server's database, encrypted
/// with the PHI keys: two server processes on one database, as behind a load balancer, accept each other's forms.
/// </summary>
public sealed class PortalKeyRingTests : IDisposable
{
    private readonly PortalServer first = new();
    private readonly PortalServer second;

    public PortalKeyRingTests() => second = new PortalServer(first);

    public void Dispose()
    {
        second.Dispose();
        first.Dispose();
    }

    [Fact]
    public async Task ABirthDateForm_OneServerRendered_IsAcceptedByAnotherOnTheSameDatabase()
    {
        var (_, path) = await first.DepositAsync();
        using var browser = first.Browser();
        var open = await browser.GetAsync(path);
        var page = await open.Content.ReadAsStringAsync();
        var cookies = string.Join("; ", open.Headers.GetValues("Set-Cookie").Select(c => c[..c.IndexOf(';', StringComparison.Ordinal)]));

        using var otherNode = second.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = PortalServer.Form(page, ("birthDate", PortalServer.BirthDate)) };
        post.Headers.Add("Cookie", cookies);
        var answer = await otherNode.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(path + "/code", answer.Headers.Location!.OriginalString);
        Assert.Single(second.Codes.Sent);
        Assert.Empty(first.Codes.Sent);
    }

    [Fact]
    public async Task TheKeyRing_IsStoredInTheDatabase_EachKeyEncryptedWithThePhiKeys()
    {
        var (_, path) = await first.DepositAsync();
        using var browser = first.Browser();
        (await browser.GetAsync(path)).EnsureSuccessStatusCode(); // the page's antiforgery token makes the first key

        var made = first.Services.GetRequiredService<IKeyManager>().GetAllKeys().Select(k => k.KeyId).ToList();
        var stored = Stored(first.DatabaseFile);

        Assert.NotEmpty(made);
        Assert.Equal(made.Select(id => "key-" + id).Order(), stored.Keys.Order());
        Assert.All(stored.Values, xml =>
        {
            Assert.Contains("decryptorType=\"" + typeof(PhiXmlDecryptor).FullName + ",", xml, StringComparison.Ordinal);
            Assert.Contains("<" + PhiXmlEncryptor.ElementName + " ", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal);
        });
        Assert.Equal(made.Order(), second.Services.GetRequiredService<IKeyManager>().GetAllKeys().Select(k => k.KeyId).Order());
    }

    [Fact]
    public async Task TheRepository_OnPostgreSql_StoresReplacesAndListsElements()
    {
        var baseConnection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";
        var schema = "keyring_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        Execute(baseConnection, $"CREATE SCHEMA \"{schema}\"");
        try
        {
            var options = Options.Create(new AutomationServerOptions());
            options.Value.Store.Provider = "postgres";
            options.Value.Store.ConnectionString = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema }.ConnectionString;
            await using var database = new ServerDatabase(options, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = AppContext.BaseDirectory });
            var repository = new DatabaseXmlRepository(database);
            var encryptor = new PhiXmlEncryptor(PhiProtector.CreateEphemeral());

            repository.StoreElement(new XElement("key", new XAttribute("id", "a")), "key-a");
            repository.StoreElement(encryptor.Encrypt(new XElement("masterKey", "secret")).EncryptedElement, "key-b");
            repository.StoreElement(new XElement("key", new XAttribute("id", "a2")), "key-a");

            var elements = repository.GetAllElements().Select(e => e.ToString(SaveOptions.DisableFormatting)).ToList();
            Assert.Equal(2, elements.Count);
            Assert.Equal("<key id=\"a2\" />", elements[0]);
            Assert.StartsWith("<" + PhiXmlEncryptor.ElementName + ">", elements[1], StringComparison.Ordinal);
            Assert.DoesNotContain("secret", elements[1], StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Execute(baseConnection, $"DROP SCHEMA \"{schema}\" CASCADE");
        }
    }

    private static Dictionary<string, string> Stored(string databaseFile)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + databaseFile);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, xml FROM data_protection_keys";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, string>();
        while (reader.Read())
        {
            rows[reader.GetString(0)] = reader.GetString(1);
        }

        return rows;
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
