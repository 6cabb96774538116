using System.Text;
using Automation.Activities.SecureSend.Recipients;
using Automation.Engine.Audit;
using Automation.Engine.Persistence;
using Automation.Server.Journeys;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Task = System.Threading.Tasks.Task;

namespace Automation.Journeys.Tests;

/// <summary>
/// The appointment reminder end to end through the real server: the appointment sweep, treatment consent, quiet hours,
/// S/MIME, the second reminder and the no-show hand-over to re-engagement, with the clock driven by hand. Runs on SQLite
/// and PostgreSQL.
/// </summary>
public abstract class JourneyTests : JourneyTestBase
{
    [Fact]
    public async Task AppointmentReminder_QuietHoursSmimeSecondReminder_AndNoConsentGetsNothing()
    {
        // Ana: booked 5 days out at 07:00 UTC (02:00 New York). 72 h before is 02:00 local, inside the night, so the
        // reminder waits until 08:00 local = 13:00 UTC on 3 December. Bo has no treatment consent.
        var start = T0.AddDays(5).AddHours(1);
        Population.AddRange([
            Ehr.Patient("ana", "Ana", "ana@example.org"), Ehr.Consent("c-ana", "ana", "TREAT"), Ehr.Appointment("appt-ana", "ana", start),
            Ehr.Patient("bo", "Bo", "bo@example.org"), Ehr.Appointment("appt-bo", "bo", start.AddHours(2)),
        ]);
        await StartAsync();
        var (certificatePem, keyPem) = JourneyServer.SmimeRecipient("ana@example.org", T0);
        await Server.Services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(Encoding.ASCII.GetBytes(certificatePem), null);

        var run = await Server.Services.GetRequiredService<AppointmentSweep>().RunAsync(CancellationToken.None);
        Assert.Equal(2, run!.Entered);
        var instances = await Server.Services.GetRequiredService<IWorkflowStore>().ListInstancesAsync(new InstanceQuery { DefinitionId = "appointment-reminder" });
        Assert.Equal(["appt-ana", "appt-bo"], instances.Items.Select(i => i.CorrelationId).Order());

        // b. Bo: consent.check denied for his hash, and nothing queued for him, ever.
        var boChecks = await AuditForAsync("bo", AuditActions.ConsentCheck);
        Assert.Equal("denied", Assert.Single(boChecks).Entry.Result);

        // a. 72 h before is 07:00 UTC = 02:00 local: nothing yet, and nothing until 08:00 local.
        await AdvanceToAsync(start.AddHours(-72));
        await AdvanceToAsync(new DateTimeOffset(2026, 12, 3, 12, 59, 0, TimeSpan.Zero));
        Assert.Empty(await AuditForAsync("ana", AuditActions.MessageQueued));
        Assert.Empty(Smtp.Messages);

        await AdvanceToAsync(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero));
        var first = Assert.Single(await Server.MessagesAsync(Smtp, 1));
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
        var messages = await Server.MessagesAsync(Smtp, 2);
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
        Population.AddRange([Ehr.Patient("eve", "Eve", "eve@example.org"), Ehr.Consent("c-eve", "eve", "TREAT"), appointment]);
        await StartAsync();
        var (certificatePem, _) = JourneyServer.SmimeRecipient("eve@example.org", T0);
        await Server.Services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(Encoding.ASCII.GetBytes(certificatePem), null);
        await Server.Services.GetRequiredService<AppointmentSweep>().RunAsync(CancellationToken.None);

        await AdvanceToAsync(start.AddHours(-72));
        await AdvanceToAsync(start.AddHours(-24));
        var reminders = await Server.MessagesAsync(Smtp, 2);
        Assert.True(reminders.Count == 2, string.Join(" | ", reminders.Select(m => MimeMessage.Load(new MemoryStream(m.Raw))).Select(m => m.MessageId + " " + m.Subject + " " + m.Date.ToString("O"))));

        // The EHR marks the appointment a no-show before the check two hours after its end.
        appointment.Status = Appointment.AppointmentStatus.Noshow;
        await AdvanceToAsync(start.AddMinutes(30).AddHours(2));

        var store = Server.Services.GetRequiredService<IWorkflowStore>();
        // The hand-over is an event the runtime dispatches; give it (real) time, pumping timers meanwhile.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var handedOver = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "re-engagement" });
        while (handedOver.Items.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            await Server.PumpAsync();
            handedOver = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "re-engagement" });
        }

        Assert.Equal(["eve"], handedOver.Items.Select(i => i.CorrelationId));
    }
}

public sealed class SqliteJourneyTests : JourneyTests
{
    private protected override JourneyStore Store { get; } = new SqliteJourneyStore();
}

public sealed class PostgresJourneyTests : JourneyTests
{
    private protected override JourneyStore Store { get; } = new PostgresJourneyStore();
}
