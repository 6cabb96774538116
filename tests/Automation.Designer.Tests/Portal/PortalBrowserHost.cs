using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Automation.Activities.SecureSend.Portal;
using Automation.Activities.SecureSend.Capture;
using Automation.Engine.Audit;
using Automation.Engine.Security;
using Microsoft.Playwright;

namespace Automation.Designer.Tests.Portal;

/// <summary>
/// The real server process with the portal: SQLite in a temp folder, one patient in an NDJSON directory, one-time codes
/// going over STARTTLS to a loopback SMTP server here, and keys generated here and handed to the server through its
/// settings, so the test can deposit messages into the server's database and read the codes; Chromium via Playwright.
/// </summary>
public sealed partial class PortalBrowserHost : IAsyncLifetime
{
    public const string PatientId = "p0000042";
    public const string BirthDate = "1961-03-14";
    public const string Recipient = "jane.doe@example.test";

    private readonly string data = Directory.CreateTempSubdirectory("automation-portal-browser-").FullName;
    private readonly byte[] tokenKey = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] phiKey = RandomNumberGenerator.GetBytes(32);
    private ServerProcess? server;
    private IPlaywright? playwright;
    private SmtpCapture? smtp;
    private PortalMailbox? mailbox;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public string ServerLog => server?.Log ?? "";

    public async Task InitializeAsync()
    {
        var port = ServerProcess.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        smtp = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
        var patients = Directory.CreateDirectory(Path.Combine(data, "fhir")).FullName;
        await File.WriteAllTextAsync(Path.Combine(patients, "Patient.ndjson"),
            $$"""{"resourceType":"Patient","id":"{{PatientId}}","birthDate":"{{BirthDate}}","name":[{"family":"Doe","given":["Jane"]}]}""" + "\n");

        server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Automation__DataPath"] = data,
            ["Automation__PluginsPath"] = Path.Combine(data, "plugins"),
            ["Automation__WorkflowsPath"] = Directory.CreateDirectory(Path.Combine(data, "workflows")).FullName,
            ["Automation__PublicBaseUrl"] = BaseUrl,
            ["Automation__Security__TokenKey"] = Convert.ToBase64String(tokenKey),
            ["Automation__Security__PhiKeys__browser"] = Convert.ToBase64String(phiKey),
            ["Automation__Security__ActivePhiKey"] = "browser",
            ["Fhir__Directory"] = patients,
            ["SecureSend__Smtp__Host"] = "127.0.0.1",
            ["SecureSend__Smtp__Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SecureSend__Smtp__InsecureAcceptAnyCertificate"] = "true",
        }, port);

        // The test's own mailbox on the server's database, with the server's keys: what secure send does in-process.
        mailbox = PortalMailbox.Create(
            new PortalOptions { PublicBaseUrl = new Uri(BaseUrl), StoreProvider = "sqlite", StoreConnectionString = "Data Source=" + Path.Combine(data, "automation.db") },
            new PhiProtector(new Dictionary<string, byte[]> { ["browser"] = phiKey }, "browser"),
            new SignedTokens(tokenKey, TimeProvider.System),
            new NoAuditLog(),
            new PatientIdHasher(RandomNumberGenerator.GetBytes(32)));

        playwright = await Playwright.CreateAsync();
        Browser = await ServerProcess.LaunchChromiumAsync(playwright);
    }

    /// <summary>Deposits a message for the patient and returns its pickup link.</summary>
    public async Task<(string MessageId, string Link)> DepositAsync(string subject, string html)
    {
        var messageId = "msg-" + Guid.NewGuid().ToString("N");
        var deposit = await mailbox!.DepositAsync(new PortalMessage(messageId, PatientId, "", Recipient, subject, html, null, DateTimeOffset.UtcNow.AddDays(7)));
        return (messageId, deposit.PickupUrl.AbsoluteUri);
    }

    /// <summary>Waits for the next code email to the recipient and returns the code in it.</summary>
    public async Task<string> NextCodeAsync(int alreadySeen)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var received = smtp!.Messages;
            if (received.Count > alreadySeen)
            {
                var captured = received[alreadySeen];
                Assert.True(captured.OverTls, "the code went over an unencrypted SMTP session");
                using var raw = new MemoryStream(captured.Raw);
                var message = await MimeKit.MimeMessage.LoadAsync(raw);
                Assert.Equal(Recipient, message.To.Mailboxes.Single().Address);
                return CodePattern().Match(message.TextBody ?? "").Groups[1].Value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No code email arrived in 30 s:\n" + ServerLog);
    }

    public int CodesSent => smtp!.Messages.Count;

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (smtp is not null)
        {
            await smtp.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [GeneratedRegex("code is ([0-9]{6})")]
    private static partial Regex CodePattern();

    /// <summary>The test's mailbox only deposits; the server audits the pickup.</summary>
    private sealed class NoAuditLog : IAuditLog
    {
        public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);

        public Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);
    }
}
