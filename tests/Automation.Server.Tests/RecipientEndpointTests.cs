using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Automation.Engine.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>The recipient directory API: admin only, ProblemDetails naming the field, every change audited without addresses.</summary>
public sealed class RecipientEndpointTests : IAsyncLifetime
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-recipients-").FullName;
    private readonly RecordingAuditLog audit = new();
    private ServerFactory server = null!;

    public Task InitializeAsync()
    {
        var workflows = Directory.CreateDirectory(Path.Combine(data, "workflows")).FullName;
        server = new ServerFactory(data, workflows, new StringWriter(), services: s => s.AddSingleton<IAuditLog>(audit));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, true);
    }

    private static string CertificatePem(string address)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=R, E={address}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    [Fact]
    public async Task Admin_ImportsCertificateEnrolsAndSetsDomain_ListedAndAudited()
    {
        var client = await server.SignedInClientAsync();

        var imported = await client.PostAsJsonAsync("/api/recipients/certificates", new { certificate = CertificatePem("ana@example.org") });
        var enrolled = await client.PostAsJsonAsync("/api/recipients/portal", new { address = "bob@example.org" });
        var domain = await client.PutAsJsonAsync("/api/recipients/domains/Example.org", new { requireTls = true });
        var list = await client.GetFromJsonAsync<JsonElement>("/api/recipients");

        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, enrolled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, domain.StatusCode);
        var recipients = list.GetProperty("recipients").EnumerateArray().ToList();
        Assert.Equal(["ana@example.org", "bob@example.org"], recipients.Select(r => r.GetProperty("address").GetString()));
        Assert.Single(recipients[0].GetProperty("certificates").EnumerateArray());
        Assert.True(recipients[1].GetProperty("portalEnrolled").GetBoolean());
        Assert.True(recipients[1].GetProperty("domainRequiresTls").GetBoolean());
        var changes = audit.Entries.Where(e => e.Action == AuditActions.ConfigurationChange).ToList();
        Assert.Equal(["recipient.certificate.imported", "recipient.portal.enrolled", "recipient.domain.tls"], changes.Select(e => e.Details!["change"]));
        Assert.DoesNotContain(changes, e => e.Details!.Values.Any(v => v.Contains('@', StringComparison.Ordinal)));
    }

    [Fact]
    public async Task MalformedCertificate_IsAProblemNamingTheField()
    {
        var client = await server.SignedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/recipients/certificates", new { certificate = "-----BEGIN CERTIFICATE-----\nzz\n-----END CERTIFICATE-----" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("The certificate is malformed", problem.GetProperty("errors").GetProperty("certificate")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(audit.Entries, e => e.Action == AuditActions.ConfigurationChange); // the sign-in is audited; nothing was imported
    }

    [Fact]
    public async Task Operator_IsForbidden()
    {
        var client = await server.SignedInClientAsync("operator");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/recipients")).StatusCode);
    }
}
