using Automation.Engine.Audience;
using Automation.Engine.Audit;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Server.Journeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;
using Task = System.Threading.Tasks.Task;

namespace Automation.Journeys.Tests;

/// <summary>
/// The Medicare enrollment journey (<c>workflows/enrollment.json</c>) end to end through the real server: audience entry
/// from its segment, marketing consent, quiet hours, the click that leads to the thank-you, the reminder after three days
/// without one, the goal (Medicare coverage appearing in the EHR) ending the journey, and an audience entry that a
/// dying process interrupted resuming on the next server. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class EnrollmentJourneyTests : JourneyTestBase
{
    private const string Journey = "enrollment";
    private const string Segment = "turning-65-not-medicare";
    private const string Email1 = "Turning 65? Let us help with Medicare";
    private const string ThankYou = "Thanks for your interest";
    private const string Reminder = "Still deciding about Medicare?";

    [Fact]
    public async Task Enrollment_AudienceFromTheSegment_ClickThanks_NoClickReminder_GoalMetExits()
    {
        // 64 on 1 December 2026 (65 within the year) and not on Medicare: ann (employer plan), ben, cal, and dee, who
        // has no marketing consent. Not in the segment: eli (already on Medicare), fay (41), gus (66).
        Population.AddRange([
            Ehr.Patient("ann", "Ann", "ann@example.org", "1962-05-20"), Ehr.Consent("c-ann", "ann", "HMARKT"), Ehr.Coverage("cov-ann", "ann", "commercial", "2015-01-01"),
            Ehr.Patient("ben", "Ben", "ben@example.org", "1962-02-11"), Ehr.Consent("c-ben", "ben", "HMARKT"),
            Ehr.Patient("cal", "Cal", "cal@example.org", "1962-08-30"), Ehr.Consent("c-cal", "cal", "HMARKT"),
            Ehr.Patient("dee", "Dee", "dee@example.org", "1962-07-04"), Ehr.Consent("c-dee", "dee", "TREAT"),
            Ehr.Patient("eli", "Eli", "eli@example.org", "1962-03-15"), Ehr.Consent("c-eli", "eli", "HMARKT"), Ehr.Coverage("cov-eli", "eli", "medicare", "2026-01-01"),
            Ehr.Patient("fay", "Fay", "fay@example.org", "1985-06-01"), Ehr.Consent("c-fay", "fay", "HMARKT"),
            Ehr.Patient("gus", "Gus", "gus@example.org", "1960-01-01"), Ehr.Consent("c-gus", "gus", "HMARKT"),
        ]);
        await StartAsync();

        var run = await EnterAudienceAsync(Journey, Segment);

        // dee is kept out at entry (the journey would only have ended at its consent check), audited as that check.
        Assert.Equal((3L, 0L, 1L), (run.Entered, run.Skipped, run.Excluded));
        Assert.Equal(["ann", "ben", "cal"], (await InstancesAsync(Journey)).Select(i => i.CorrelationId).Order());
        var denied = Assert.Single(await AuditForAsync("dee", AuditActions.ConsentCheck));
        Assert.Equal(("denied", "no-consent", "marketing", "audience"), (denied.Entry.Result, denied.Entry.Details!["rule"], denied.Entry.Details["purpose"], denied.Entry.Details["stage"]));
        foreach (var id in new[] { "ann", "ben", "cal" })
        {
            Assert.Equal("granted", Assert.Single(await AuditForAsync(id, AuditActions.ConsentCheck)).Entry.Result);
        }

        // 01:00 in New York: e-mail 1 waits for 08:00 local (13:00 UTC).
        await AdvanceToAsync(WindowOpens.AddMinutes(-1));
        Assert.Empty(Smtp.Messages);
        await AdvanceToAsync(WindowOpens);
        Assert.Equal(["ann@example.org", "ben@example.org", "cal@example.org"], Smtp.Messages.SelectMany(m => m.To).Order());
        foreach (var (patient, name) in new[] { ("ann", "Ann"), ("ben", "Ben"), ("cal", "Cal") })
        {
            var message = Assert.Single(MailTo(patient + "@example.org"));
            Assert.Equal(Email1, message.Subject);
            Assert.Contains($"Hello {name}, our Medicare advisors can help: {JourneyServer.PublicBase}/t/c/", TextOf(message), StringComparison.Ordinal);
            Assert.StartsWith($"<{JourneyServer.PublicBase}/u/", message.Headers[HeaderId.ListUnsubscribe], StringComparison.Ordinal);
            var queued = Assert.Single(await AuditForAsync(patient, AuditActions.MessageQueued));
            Assert.Equal(("tls", WindowOpens), (queued.Entry.Method, queued.Time));
        }

        Assert.All(Smtp.Messages, m => Assert.True(m.OverTls));

        // Ann clicks an hour later: the click resumes her journey into the thank-you.
        Clock.SetUtcNow(WindowOpens.AddHours(1));
        Assert.Equal(new Uri("https://www.hospital.example/medicare/enroll"), await ClickAsync(TextOf(MailTo("ann@example.org")[0])));
        await Server.PumpAsync();
        var thanks = MailTo("ann@example.org");
        Assert.Equal([Email1, ThankYou], thanks.Select(m => m.Subject));
        Assert.Contains("Thank you, Ann. An advisor will be in touch.", TextOf(thanks[1]), StringComparison.Ordinal);

        // The next day the EHR records Cal's Medicare coverage.
        Clock.SetUtcNow(WindowOpens.AddDays(1));
        EhrServer.Add(Ehr.Coverage("cov-cal-medicare", "cal", "medicare", "2026-12-02"));

        // Three days after e-mail 1, Ben (no click) gets the reminder; Cal has reached the goal and gets nothing more.
        await AdvanceToAsync(WindowOpens.AddDays(3).AddMinutes(-1));
        Assert.Equal(4, Smtp.Messages.Count);
        await AdvanceToAsync(WindowOpens.AddDays(3));
        var ben = MailTo("ben@example.org");
        Assert.Equal([Email1, Reminder], ben.Select(m => m.Subject));
        Assert.Contains("Hello Ben,", TextOf(ben[1]), StringComparison.Ordinal);

        await AdvanceToAsync(WindowOpens.AddDays(30));
        Assert.Equal([Email1, ThankYou], MailTo("ann@example.org").Select(m => m.Subject));
        Assert.Equal([Email1], MailTo("cal@example.org").Select(m => m.Subject));
        Assert.Equal(5, Smtp.Messages.Count);
        Assert.All(await InstancesAsync(Journey), i => Assert.Equal(WorkflowStatus.Finished, i.Status));

        var annSteps = await StepsAsync(Journey, "ann");
        Assert.Contains("engage1:Clicked", annSteps);
        Assert.DoesNotContain(annSteps, s => s.StartsWith("reminder", StringComparison.Ordinal));
        Assert.Equal(["engage1:TimedOut", "refresh:Found", "goal-check:Matched", "goal-reached:"], (await StepsAsync(Journey, "cal")).SkipWhile(s => !s.StartsWith("engage1", StringComparison.Ordinal)));
        Assert.Equal(["engage1:TimedOut", "refresh:Found", "goal-check:NotMatched", "consent2:Granted", "window2:Done", "reminder:Sent"], (await StepsAsync(Journey, "ben")).SkipWhile(s => !s.StartsWith("engage1", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AudienceEntry_ProcessDiesAfterTheFirstBatch_NextServerResumes_OneInstanceAndOneEmailPerMember()
    {
        // 10:00 in New York, inside the send window: each member's e-mail 1 is queued as the member enters. Six members
        // in batches of two (m6 without marketing consent: kept out at entry); old (70) is not in the segment.
        Clock.SetUtcNow(T0.AddHours(9));
        var members = new[] { "m1", "m2", "m3", "m4", "m5", "m6" };
        foreach (var (id, i) in members.Select((id, i) => (id, i)))
        {
            Population.AddRange([Ehr.Patient(id, "Member" + (i + 1), id + "@example.org", $"1962-0{i + 1}-15"), Ehr.Consent("c-" + id, id, id == "m6" ? "TREAT" : "HMARKT")]);
        }

        Population.AddRange([Ehr.Patient("old", "Old", "old@example.org", "1956-01-15"), Ehr.Consent("c-old", "old", "HMARKT")]);

        // The process dies after the second batch's instances (and their e-mails) are committed, before the run's
        // progress is saved: the saved position is the first batch's. The third batch is in flight by then (two batches
        // enter at once), so m5 may have been committed too, beyond the saved position.
        PowerCutStore? audienceStore = null;
        await StartAsync(new() { ["Automation:Journeys:AudienceBatchSize"] = "2" }, services => services.Replace(ServiceDescriptor.Singleton(provider =>
            ActivatorUtilities.CreateInstance<AudienceService>(provider, audienceStore = (PowerCutStore)(object)PowerCutStore.Wrap(provider.GetRequiredService<IWorkflowStore>(),
                (method, args) => method.Name == nameof(IWorkflowStore.SaveAudienceRunAsync) && args![0] is AudienceRun { Position: >= 4 })))));
        var audiences = Server.Services.GetRequiredService<AudienceService>();
        var (runId, _, problem) = await audiences.StartAsync(Journey, Segment, null, CancellationToken.None);
        Assert.True(runId is not null, problem);
        await audiences.WaitAsync(runId!);
        Assert.True(audienceStore!.IsCut, "not cut; the run: " + System.Text.Json.JsonSerializer.Serialize(await Server.Services.GetRequiredService<IWorkflowStore>().GetAudienceRunAsync(runId!)));
        var store = Server.Services.GetRequiredService<IWorkflowStore>();
        var left = await store.GetAudienceRunAsync(runId!);
        Assert.Equal(("running", 2L, 2L), (left!.Status, left.Position, left.Entered));
        var committed = (await InstancesAsync(Journey)).Select(i => i.CorrelationId!).Order().ToList();
        Assert.True(committed.SequenceEqual(["m1", "m2", "m3", "m4"]) || committed.SequenceEqual(["m1", "m2", "m3", "m4", "m5"]), "committed before the cut: " + string.Join(", ", committed));
        await Server.PumpAsync();
        Assert.Equal(committed.Select(id => id + "@example.org"), Smtp.Messages.SelectMany(m => m.To).Order());

        // A new server on the same store resumes the unfinished run at start, from its saved position.
        await RestartAsync();
        await Server.Services.GetRequiredService<AudienceService>().WaitAsync(runId!);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        AudienceRun? resumed;
        while ((resumed = await Server.Services.GetRequiredService<IWorkflowStore>().GetAudienceRunAsync(runId!))!.Status != "completed" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Server.PumpAsync();

        // m5 enters on the resumed run, or was committed before the cut and is skipped now; m6 is kept out either way.
        var m5Early = committed.Count == 5 ? 1L : 0L;
        Assert.Equal(("completed", 6L, 3L - m5Early, 2L + m5Early, 1L), (resumed.Status, resumed.Position, resumed.Entered, resumed.Skipped, resumed.Excluded));
        var instances = await InstancesAsync(Journey);
        Assert.Equal(members[..5], instances.Select(i => i.CorrelationId).Order());
        Assert.Equal(["m1@example.org", "m2@example.org", "m3@example.org", "m4@example.org", "m5@example.org"], Smtp.Messages.SelectMany(m => m.To).Order());
        Assert.All(Smtp.Messages, m => Assert.Equal(Email1, MimeMessage.Load(new MemoryStream(m.Raw)).Subject));
        foreach (var id in members[..5])
        {
            Assert.Single(await AuditForAsync(id, AuditActions.MessageQueued));
        }
    }
}

public sealed class SqliteEnrollmentJourneyTests : EnrollmentJourneyTests
{
    private protected override JourneyStore Store { get; } = new SqliteJourneyStore();
}

public sealed class PostgresEnrollmentJourneyTests : EnrollmentJourneyTests
{
    private protected override JourneyStore Store { get; } = new PostgresJourneyStore();
}
