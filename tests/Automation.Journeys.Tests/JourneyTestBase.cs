using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Automation.Activities.Fhir.Tests.Support;
using Automation.Activities.SecureSend.Capture;
using Automation.Engine.Audience;
using Automation.Engine.Audit;
using Automation.Engine.Persistence;
using Automation.Server.Journeys;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Task = System.Threading.Tasks.Task;

namespace Automation.Journeys.Tests;

/// <summary>
/// What every journey case shares: the real server on the store the subclass names (SQLite or PostgreSQL), a fake
/// clock moved by hand, the EHR (the FHIR test server) and its bulk export (the population audiences are drawn from),
/// and the loopback SMTP server with STARTTLS. Delivery is driven by the test (<see cref="AdvanceToAsync"/>).
/// </summary>
public abstract class JourneyTestBase : IAsyncLifetime
{
    /// <summary>06:00 UTC on Tuesday 1 December 2026: 01:00 in New York (UTC-5), inside the night.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    /// <summary>13:00 UTC on the first day: 08:00 in New York, when the send window opens.</summary>
    protected static readonly DateTimeOffset WindowOpens = new(2026, 12, 1, 13, 0, 0, TimeSpan.Zero);

    /// <summary>A desktop browser: only people's opens and clicks resume journeys.</summary>
    protected const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    private readonly List<string> tempFiles = [];
    private readonly string export = Directory.CreateTempSubdirectory("automation-journeys-export-").FullName;
    private Dictionary<string, string> settings = [];

    private protected FakeTimeProvider Clock { get; } = new(T0);

    /// <summary>The EHR's resources; what is in it when the server starts is also exported for audiences.</summary>
    private protected List<Resource> Population { get; } = [];

    private protected FhirTestServer EhrServer { get; private set; } = null!;

    private protected SmtpCapture Smtp { get; private set; } = null!;

    private protected JourneyServer Server { get; private set; } = null!;

    /// <summary>The store of the dialect under test, one per case.</summary>
    private protected abstract JourneyStore Store { get; }

    public async Task InitializeAsync()
    {
        Smtp = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (EhrServer is not null)
        {
            await EhrServer.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await Store.DropAsync();
        foreach (var file in tempFiles)
        {
            File.Delete(file);
        }

        Directory.Delete(export, recursive: true);
    }

    /// <summary>Starts the EHR with <see cref="Population"/>, exports it for audiences, and starts the server.</summary>
    private protected async Task StartAsync(Dictionary<string, string>? extra = null, Action<IServiceCollection>? testServices = null)
    {
        EhrServer = await FhirTestServer.StartAsync(Population, pageSize: 50);
        Ehr.Export(Population, export);
        settings = new Dictionary<string, string>(await Store.SettingsAsync())
        {
            ["Fhir:Server:BaseUrl"] = EhrServer.BaseUrl.ToString(),
            ["Fhir:PopulationExport"] = export,
            ["SecureSend:Smtp:Host"] = "127.0.0.1",
            ["SecureSend:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SecureSend:Smtp:TlsMode"] = "starttls",
            ["SecureSend:Smtp:InsecureAcceptAnyCertificate"] = "true",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        await StartServerAsync(testServices);
    }

    /// <summary>Stops the server (as a crash or a deployment would) and starts a new one on the same store and settings.</summary>
    private protected async Task RestartAsync(Action<IServiceCollection>? testServices = null)
    {
        await Server.DisposeAsync();
        await StartServerAsync(testServices);
    }

    private async Task StartServerAsync(Action<IServiceCollection>? testServices)
    {
        Server = new JourneyServer(settings, Clock, testServices);
        (await Server.CreateClient().GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    /// <summary>Moves the clock, resumes the timers due and relays the outbox to SMTP.</summary>
    private protected async Task AdvanceToAsync(DateTimeOffset when)
    {
        Clock.SetUtcNow(when);
        await Server.PumpAsync();
    }

    /// <summary>Enters a segment's members into a journey as <c>POST /api/journeys/{id}/audience</c> does, and waits for the run.</summary>
    private protected async Task<AudienceRun> EnterAudienceAsync(string journey, string segment)
    {
        var audiences = Server.Services.GetRequiredService<AudienceService>();
        var (runId, field, problem) = await audiences.StartAsync(journey, segment, null, CancellationToken.None);
        Assert.True(runId is not null, $"{field}: {problem}");
        await audiences.WaitAsync(runId!);
        var run = await Server.Services.GetRequiredService<IWorkflowStore>().GetAudienceRunAsync(runId!);
        Assert.Equal("completed", run!.Status);
        return run;
    }

    /// <summary>The instances of a journey, by correlation id (the patient).</summary>
    private protected async Task<IReadOnlyList<InstanceSummary>> InstancesAsync(string journey) =>
        (await Server.Services.GetRequiredService<IWorkflowStore>().ListInstancesAsync(new InstanceQuery { DefinitionId = journey, Take = 1000 })).Items;

    /// <summary>The steps a patient's instance of a journey completed, as <c>activity:outcome</c>, in order.</summary>
    private protected async Task<List<string>> StepsAsync(string journey, string patientId)
    {
        var instance = Assert.Single(await InstancesAsync(journey), i => i.CorrelationId == patientId);
        var journal = await Server.Services.GetRequiredService<IWorkflowStore>().GetJournalAsync(instance.Id);
        return [.. journal.Where(e => e.Event == Engine.Execution.JournalEvent.Completed).Select(e => e.ActivityId + ":" + e.Outcomes)];
    }

    /// <summary>Everything delivered so far to one address, parsed, in arrival order.</summary>
    private protected List<MimeMessage> MailTo(string address) =>
        [.. Smtp.Messages.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).Select(m => MimeMessage.Load(new MemoryStream(m.Raw)))];

    private protected static string TextOf(MimeMessage message) =>
        string.Join("\n", message.BodyParts.OfType<TextPart>().Select(p => p.Text));

    private protected async Task<IReadOnlyList<AuditRecord>> AuditForAsync(string patientId, string action) =>
        [.. (await Server.AuditAsync()).Where(r => r.Entry.Action == action && r.Entry.PatientHash == Server.Hash(patientId))];

    /// <summary>A browser on the server's public endpoints: a person's user agent, redirects not followed.</summary>
    private protected HttpClient Browser()
    {
        var client = Server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Chrome);
        return client;
    }

    /// <summary>The public link of a kind (<c>/t/c/</c>, <c>/t/o/</c>, <c>/u/</c>) in a message's (decrypted) content, as a local path.</summary>
    private protected static string LinkIn(string content, string prefix)
    {
        var match = Regex.Match(content, Regex.Escape(JourneyServer.PublicBase + prefix) + "[A-Za-z0-9_.~%-]+");
        Assert.True(match.Success, $"no {prefix} link in: {content}");
        return match.Value[JourneyServer.PublicBase.Length..];
    }

    /// <summary>A person clicks the tracked link: the server redirects to the link's real target.</summary>
    private protected async Task<Uri> ClickAsync(string content)
    {
        using var browser = Browser();
        var response = await browser.GetAsync(LinkIn(content, "/t/c/"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private protected string Temp(string content) => Temp(Encoding.ASCII.GetBytes(content));

    private protected string Temp(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), "journeys-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        tempFiles.Add(path);
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Error)> OpensslAsync(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("openssl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Decrypts an S/MIME message with the recipient's key; returns its text parts and the CMS dump.</summary>
    private protected async Task<(string Text, string Cms)> DecryptAsync(byte[] raw, string certificatePem, string keyPem)
    {
        var file = Temp(raw);
        var decrypted = await OpensslAsync($"cms -decrypt -in {file} -recip {Temp(certificatePem)} -inkey {Temp(keyPem)} -out {file}.out");
        tempFiles.Add(file + ".out");
        Assert.True(decrypted.ExitCode == 0, decrypted.Error);
        var inner = MimeEntity.Load(file + ".out");
        var text = string.Join("\n", (inner is Multipart multipart ? multipart.OfType<MimeEntity>().Concat(multipart.SelectMany(p => p is Multipart m ? m : [])) : [inner])
            .OfType<TextPart>().Select(p => p.Text));
        var printed = await OpensslAsync($"cms -cmsout -print -in {file}");
        return (text, printed.Output);
    }
}
