using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Automation.Activities.SecureSend.Capture;
using Automation.Engine.Audit;
using Automation.Engine.Execution;
using Automation.Engine.Outbox;
using Automation.Engine.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Journeys.Tests;

/// <summary>
/// The real server composition with the repository's three journeys, a fake clock, an EHR (the FHIR test server)
/// and a loopback SMTP server with STARTTLS. The store is SQLite or PostgreSQL, as the test class chooses.
/// </summary>
internal sealed class JourneyServer(IReadOnlyDictionary<string, string> settings, FakeTimeProvider clock, Action<IServiceCollection>? testServices = null) : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@hospital.test";
    public const string AdminPassword = "correct horse battery staple";
    public const string PublicBase = "https://engage.test";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Automation:Demo:Enabled", "false");
        builder.UseSetting("Automation:WorkflowsPath", Path.Combine(AppContext.BaseDirectory, "Journeys"));
        builder.UseSetting("Automation:Auth:InitialAdmin:Email", AdminEmail);
        builder.UseSetting("Automation:Auth:InitialAdmin:Password", AdminPassword);
        builder.UseSetting("Automation:PublicBaseUrl", PublicBase);
        builder.UseSetting("Automation:Tracking:PrefetchWindow", "00:00:00");
        builder.UseSetting("Automation:Journeys:SweepOnStart", "false");
        builder.UseSetting("Automation:Outbox:RelayInBackground", "false"); // the tests drive the relay as they move the clock
        builder.UseSetting("Automation:Journeys:AppointmentSweepCron", "0 0 6 1 1 ? 2099");
        builder.UseSetting("SecureSend:From", "care@clinic.example.org");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        if (testServices is not null)
        {
            builder.ConfigureTestServices(testServices);
        }
    }

    public WorkflowRuntime Runtime => Services.GetRequiredService<WorkflowRuntime>();

    public async Task<IReadOnlyList<AuditRecord>> AuditAsync() => await Services.GetRequiredService<IAuditLog>().ReadAsync(0, 100_000);

    public string Hash(string patientId) => Services.GetRequiredService<PatientIdHasher>().Hash(patientId);

    /// <summary>
    /// Resumes the timers due on the fake clock through the server's <c>DueTimerSweep</c>, which Quartz's timer wake-up
    /// (firing on the same fake clock) also goes through, so the two never race over an instance; then relays the outbox.
    /// </summary>
    public async Task PumpAsync()
    {
        var sweep = Services.GetRequiredService<Automation.Server.Scheduling.DueTimerSweep>();
        for (var pass = 0; pass < 10 && await sweep.RunAsync(CancellationToken.None) > 0; pass++)
        {
            // again, until no resumed run left a timer that is already due
        }

        await Services.GetRequiredService<OutboxRelay>().DeliverPendingAsync(CancellationToken.None);
    }

    /// <summary>Waits (real time) until the SMTP server holds <paramref name="count"/> messages; the background relay may deliver them too.</summary>
    public async Task<IReadOnlyList<CapturedMessage>> MessagesAsync(SmtpCapture smtp, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (smtp.Messages.Count < count && DateTime.UtcNow < deadline)
        {
            await Services.GetRequiredService<OutboxRelay>().DeliverPendingAsync(CancellationToken.None);
            await Task.Delay(50);
        }

        return smtp.Messages;
    }

    public async Task<HttpClient> AdminAsync()
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = AdminEmail, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>An S/MIME recipient certificate and key (PEM) valid around <paramref name="now"/>.</summary>
    public static (string CertificatePem, string KeyPem) SmimeRecipient(string address, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Test Recipient, E={address}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, critical: true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(address);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
