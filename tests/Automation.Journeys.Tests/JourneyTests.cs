using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Testing;
using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Audit;
using Automation.Engine.Execution;
using Automation.Activities.Fhir.Tests.Support;
using Automation.Engine.Persistence;
using Automation.Server.Journeys;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Task = System.Threading.Tasks.Task;

namespace Automation.Journeys.Tests;

/// <summary>
/// The repository's journeys end to end through the real server: the appointment sweep, consent, quiet hours, S/MIME,
/// engagement waits, unsubscribe and the marketing frequency cap, with the clock driven by hand. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class JourneyTests : IAsyncLifetime
{
    // 06:00 UTC on a Tuesday; New York is UTC-5 in December.
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(T0);
    private readonly List<Resource> population = [];
    private FhirTestServer ehr = null!;
    private LoopbackSmtpServer smtp = null!;
    private JourneyServer server = null!;
    private readonly List<string> tempFiles = [];

    /// <summary>The store settings (Automation:Store:*) of the dialect under test.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> StoreSettingsAsync();

    /// <summary>Releases the store.</summary>
    protected abstract Task DropStoreAsync();

    public async Task InitializeAsync()
    {
        smtp = await LoopbackSmtpServer.StartAsync(startTls: true);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (ehr is not null)
        {
            await ehr.DisposeAsync();
        }

        await smtp.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await DropStoreAsync();
        foreach (var file in tempFiles)
        {
            File.Delete(file);
        }
    }

    private async Task StartAsync(Dictionary<string, string>? extra = null)
    {
        ehr = await FhirTestServer.StartAsync(population, pageSize: 50);
        var settings = new Dictionary<string, string>(await StoreSettingsAsync())
        {
            ["Fhir:Server:BaseUrl"] = ehr.BaseUrl.ToString(),
            ["SecureSend:Smtp:Host"] = "127.0.0.1",
            ["SecureSend:Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SecureSend:Smtp:TlsMode"] = "starttls",
            ["SecureSend:Smtp:InsecureAcceptAnyCertificate"] = "true",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        server = new JourneyServer(settings, clock);
        (await server.CreateClient().GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    private async Task AdvanceToAsync(DateTimeOffset when)
    {
        clock.SetUtcNow(when);
        await server.PumpAsync();
    }

    private string Temp(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), "journeys-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        tempFiles.Add(path);
        return path;
    }

    private string Temp(byte[] content)
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
    private async Task<(string Text, string Cms)> DecryptAsync(byte[] raw, string certificatePem, string keyPem)
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

    private static string TextOf(byte[] raw)
    {
        var message = MimeMessage.Load(new MemoryStream(raw));
        return string.Join("\n", message.BodyParts.OfType<TextPart>().Select(p => p.Text));
    }

    private async Task<IReadOnlyList<AuditRecord>> AuditForAsync(string patientId, string action) =>
        [.. (await server.AuditAsync()).Where(r => r.Entry.Action == action && r.Entry.PatientHash == server.Hash(patientId))];

    [Fact]
    public async Task AppointmentReminder_QuietHoursSmimeSecondReminder_AndNoConsentGetsNothing()
    {
        // Ana: booked 5 days out at 07:00 UTC (02:00 New York). 72 h before is 02:00 local, inside the night, so the
        // reminder waits until 08:00 local = 13:00 UTC on 3 December. Bo has no treatment consent.
        var start = T0.AddDays(5).AddHours(1);
        population.AddRange([
            Ehr.Patient("ana", "Ana", "ana@example.org"), Ehr.Consent("c-ana", "ana", "TREAT"), Ehr.Appointment("appt-ana", "ana", start),
            Ehr.Patient("bo", "Bo", "bo@example.org"), Ehr.Appointment("appt-bo", "bo", start.AddHours(2)),
        ]);
        await StartAsync();
        var (certificatePem, keyPem) = JourneyServer.SmimeRecipient("ana@example.org", T0);
        await server.Services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(Encoding.ASCII.GetBytes(certificatePem), null);

        var run = await server.Services.GetRequiredService<AppointmentSweep>().RunAsync(CancellationToken.None);
        Assert.Equal(2, run!.Entered);
        var instances = await server.Services.GetRequiredService<IWorkflowStore>().ListInstancesAsync(new InstanceQuery { DefinitionId = "appointment-reminder" });
        Assert.Equal(["appt-ana", "appt-bo"], instances.Items.Select(i => i.CorrelationId).Order());

        // b. Bo: consent.check denied for his hash, and nothing queued for him, ever.
        var boChecks = await AuditForAsync("bo", AuditActions.ConsentCheck);
        Assert.Equal("denied", Assert.Single(boChecks).Entry.Result);

        // a. 72 h before is 07:00 UTC = 02:00 local: nothing yet, and nothing until 08:00 local.
        await AdvanceToAsync(start.AddHours(-72));
        await AdvanceToAsync(new DateTimeOffset(2026, 12, 3, 12, 59, 0, TimeSpan.Zero));
        Assert.Empty(await AuditForAsync("ana", AuditActions.MessageQueued));
        Assert.Empty(smtp.Messages);

        await AdvanceToAsync(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero));
        var first = Assert.Single(await server.MessagesAsync(smtp, 1));
        Assert.True(first.OverTls);
        Assert.Equal(["ana@example.org"], first.To);
        var queued = Assert.Single(await AuditForAsync("ana", AuditActions.MessageQueued));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero), queued.Time);
        Assert.Equal("smime", queued.Entry.Method);
        var (text, cms) = await DecryptAsync(first.Raw, certificatePem, keyPem);
        Assert.Contains("Ana", text, StringComparison.Ordinal);
        Assert.Contains("December  6, 2026 at 07:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("with Dr. Rivera at Main Street Clinic", text, StringComparison.Ordinal);
        Assert.Contains(JourneyServer.PublicBase + "/t/c/", text, StringComparison.Ordinal); // the confirm link, click-tracked
        Assert.Contains("aes-256", cms, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("December", Encoding.ASCII.GetString(first.Raw), StringComparison.Ordinal);

        // No confirm click: at 24 h before the second reminder goes.
        await AdvanceToAsync(start.AddHours(-24).AddMinutes(-1));
        Assert.Single(await AuditForAsync("ana", AuditActions.MessageQueued));
        await AdvanceToAsync(start.AddHours(-24));
        var messages = await server.MessagesAsync(smtp, 2);
        Assert.Equal(2, messages.Count);
        var (second, _) = await DecryptAsync(messages[1].Raw, certificatePem, keyPem);
        Assert.Contains("Dear Ana", second, StringComparison.Ordinal);
        Assert.Equal("Reminder: your appointment is tomorrow", MimeMessage.Load(new MemoryStream(messages[1].Raw)).Subject);

        Assert.Empty(await AuditForAsync("bo", AuditActions.MessageQueued));
        Assert.All(messages, m => Assert.Equal(["ana@example.org"], m.To));
    }

    [Fact]
    public async Task NoShow_HandsThePatientToReEngagement()
    {
        var start = T0.AddDays(5).AddHours(10); // 16:00 UTC, 11:00 in New York
        var appointment = Ehr.Appointment("appt-eve", "eve", start);
        population.AddRange([Ehr.Patient("eve", "Eve", "eve@example.org"), Ehr.Consent("c-eve", "eve", "TREAT"), appointment]);
        await StartAsync();
        var (certificatePem, _) = JourneyServer.SmimeRecipient("eve@example.org", T0);
        await server.Services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(Encoding.ASCII.GetBytes(certificatePem), null);
        await server.Services.GetRequiredService<AppointmentSweep>().RunAsync(CancellationToken.None);

        await AdvanceToAsync(start.AddHours(-72));
        await AdvanceToAsync(start.AddHours(-24));
        var reminders = await server.MessagesAsync(smtp, 2);
        Assert.True(reminders.Count == 2, string.Join(" | ", reminders.Select(m => MimeMessage.Load(new MemoryStream(m.Raw))).Select(m => m.MessageId + " " + m.Subject + " " + m.Date.ToString("O"))));

        // The EHR marks the appointment a no-show before the check two hours after its end.
        appointment.Status = Appointment.AppointmentStatus.Noshow;
        await AdvanceToAsync(start.AddMinutes(30).AddHours(2));

        var store = server.Services.GetRequiredService<IWorkflowStore>();
        // The hand-over is an event the runtime dispatches; give it (real) time, pumping timers meanwhile.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var handedOver = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "re-engagement" });
        while (handedOver.Items.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            await server.PumpAsync();
            handedOver = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "re-engagement" });
        }

        Assert.Equal(["eve"], handedOver.Items.Select(i => i.CorrelationId));
    }
}

public sealed class SqliteJourneyTests : JourneyTests
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-journeys-").FullName;

    protected override Task<IReadOnlyDictionary<string, string>> StoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["Automation:DataPath"] = data,
            ["Automation:PluginsPath"] = Path.Combine(data, "plugins"),
        });

    protected override Task DropStoreAsync()
    {
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return Task.CompletedTask;
    }
}

public sealed class PostgresJourneyTests : JourneyTests
{
    private static readonly string BaseConnection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
        ? configured : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

    private readonly string schema = "journeys_" + Guid.NewGuid().ToString("N");
    private readonly string data = Directory.CreateTempSubdirectory("automation-journeys-pg-").FullName;

    protected override async Task<IReadOnlyDictionary<string, string>> StoreSettingsAsync()
    {
        await using (var connection = new Npgsql.NpgsqlConnection(BaseConnection))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new Dictionary<string, string>
        {
            ["Automation:DataPath"] = data,
            ["Automation:PluginsPath"] = Path.Combine(data, "plugins"),
            ["Automation:Store:Provider"] = "postgres",
            ["Automation:Store:ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(BaseConnection) { SearchPath = schema }.ConnectionString,
        };
    }

    protected override async Task DropStoreAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using (var connection = new Npgsql.NpgsqlConnection(BaseConnection))
        {
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
