using System.Net;
using System.Text;
using Automation.Activities.SecureSend.Recipients;
using Automation.Engine.Audit;
using Automation.Engine.Execution;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Task = System.Threading.Tasks.Task;

namespace Automation.Journeys.Tests;

/// <summary>
/// The re-engagement journey (<c>workflows/re-engagement.json</c>) end to end through the real server, and the two
/// things that must stop marketing inside running journeys: an unsubscribe (RFC 8058 one-click, on the real endpoint)
/// and the marketing frequency cap across journeys. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class ReEngagementJourneyTests : JourneyTestBase
{
    private const string Journey = "re-engagement";
    private const string Segment = "overdue-12-months";
    private const string Diabetic = "It's time for a check-up";
    private const string Screening = "Screenings recommended at your age";
    private const string CheckUp = "We miss you";
    private const string FollowUp = "A quick reminder from your care team";

    [Fact]
    public async Task ReEngagement_ContentPerClinicalBranchAndPolicy_AtMostOneFollowUp()
    {
        // Overdue (no visit in 12 months): dia (58, type 2 diabetes, HbA1c 7.8%: the diabetic branch comes before the
        // age band), sam (62), cy (35) and noc (no marketing consent: kept out at entry). rec was seen in September: not overdue.
        Population.AddRange([
            Ehr.Patient("dia", "Dia", "dia@example.org", "1968-04-10"), Ehr.Consent("c-dia", "dia", "HMARKT"), Ehr.Diabetes("cond-dia", "dia"),
            Ehr.HbA1c("obs-dia", "dia", 7.8m, "2026-09-15T09:00:00Z"), Ehr.Visit("enc-dia", "dia", "2024-05-02"),
            Ehr.Patient("sam", "Sam", "sam@example.org", "1964-07-21"), Ehr.Consent("c-sam", "sam", "HMARKT"),
            Ehr.Patient("cy", "Cy", "cy@example.org", "1991-02-14"), Ehr.Consent("c-cy", "cy", "HMARKT"), Ehr.Visit("enc-cy", "cy", "2025-06-01"),
            Ehr.Patient("rec", "Rec", "rec@example.org", "1991-03-03"), Ehr.Consent("c-rec", "rec", "HMARKT"), Ehr.Visit("enc-rec", "rec", "2026-09-01"),
            Ehr.Patient("noc", "Noc", "noc@example.org", "1986-01-20"), Ehr.Consent("c-noc", "noc", "TREAT"),
        ]);
        await StartAsync();
        var (certificatePem, keyPem) = JourneyServer.SmimeRecipient("dia@example.org", T0);
        await Server.Services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(Encoding.ASCII.GetBytes(certificatePem), null);

        var run = await EnterAudienceAsync(Journey, Segment);
        await AdvanceToAsync(WindowOpens);

        Assert.Equal((3L, 0L, 1L), (run.Entered, run.Skipped, run.Excluded));
        Assert.Equal(["cy", "dia", "sam"], (await InstancesAsync(Journey)).Select(i => i.CorrelationId).Order());
        Assert.Equal(["cy@example.org", "dia@example.org", "sam@example.org"], Smtp.Messages.SelectMany(m => m.To).Order());
        Assert.Equal("denied", Assert.Single(await AuditForAsync("noc", AuditActions.ConsentCheck)).Entry.Result);

        // dia: PHI (her HbA1c), so S/MIME AES-256 by the default policy; nothing clinical in the clear.
        var diaMail = Smtp.Messages.Single(m => m.To.Contains("dia@example.org"));
        var (diaText, cms) = await DecryptAsync(diaMail.Raw, certificatePem, keyPem);
        Assert.Contains("Hello Dia,", diaText, StringComparison.Ordinal);
        Assert.Contains("Your last HbA1c result was 7.8%.", diaText, StringComparison.Ordinal);
        Assert.Contains("aes-256", cms, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("HbA1c", Encoding.ASCII.GetString(diaMail.Raw), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Diabetic, MailTo("dia@example.org")[0].Subject);
        Assert.Equal("smime", Assert.Single(await AuditForAsync("dia", AuditActions.MessageQueued)).Entry.Method);

        // sam and cy: no PHI, plain MIME over enforced TLS, each with their branch's content only.
        var sam = Assert.Single(MailTo("sam@example.org"));
        Assert.Equal(Screening, sam.Subject);
        Assert.Contains("Hello Sam,", TextOf(sam), StringComparison.Ordinal);
        Assert.Contains("Routine screenings catch problems early.", TextOf(sam), StringComparison.Ordinal);
        var cy = Assert.Single(MailTo("cy@example.org"));
        Assert.Equal(CheckUp, cy.Subject);
        Assert.Contains("A yearly check-up keeps you on track.", TextOf(cy), StringComparison.Ordinal);
        Assert.All(new[] { sam, cy }, m => Assert.DoesNotContain("HbA1c", TextOf(m), StringComparison.Ordinal));
        Assert.DoesNotContain("screening", TextOf(cy), StringComparison.OrdinalIgnoreCase);
        Assert.All(Smtp.Messages, m => Assert.True(m.OverTls));
        Assert.Equal(["tls", "tls"], (await AuditForAsync("sam", AuditActions.MessageQueued)).Concat(await AuditForAsync("cy", AuditActions.MessageQueued)).Select(r => r.Entry.Method));
        Assert.Contains("branch:diabetic", await StepsAsync(Journey, "dia"));
        Assert.Contains("branch:age-50-75", await StepsAsync(Journey, "sam"));
        Assert.Contains("branch:None", await StepsAsync(Journey, "cy"));

        // dia opens her message (the tracking pixel inside the encrypted body): engaged, the journey ends.
        Clock.SetUtcNow(WindowOpens.AddHours(2));
        using (var browser = Browser())
        {
            var pixel = await browser.GetAsync(LinkIn(diaText, "/t/o/"));
            Assert.Equal("image/gif", pixel.Content.Headers.ContentType!.MediaType);
        }

        // Seven days without engagement: one follow-up each for sam and cy, and never a second one.
        await AdvanceToAsync(WindowOpens.AddDays(7).AddMinutes(-1));
        Assert.Equal(3, Smtp.Messages.Count);
        await AdvanceToAsync(WindowOpens.AddDays(7));
        await AdvanceToAsync(WindowOpens.AddDays(21));
        await AdvanceToAsync(WindowOpens.AddDays(60));

        Assert.Equal([Diabetic], MailTo("dia@example.org").Select(m => m.Subject));
        Assert.Equal([Screening, FollowUp], MailTo("sam@example.org").Select(m => m.Subject));
        Assert.Equal([CheckUp, FollowUp], MailTo("cy@example.org").Select(m => m.Subject));
        Assert.Contains("Hello Cy,", TextOf(MailTo("cy@example.org")[1]), StringComparison.Ordinal);
        Assert.Equal(5, Smtp.Messages.Count);
        Assert.Contains("engage:Opened", await StepsAsync(Journey, "dia"));
        Assert.All(await InstancesAsync(Journey), i => Assert.Equal(WorkflowStatus.Finished, i.Status));
    }

    [Fact]
    public async Task Unsubscribe_OneClickMidJourney_NoFollowUp_AndTheAuditSaysConsentWasDenied()
    {
        Population.AddRange([
            Ehr.Patient("una", "Una", "una@example.org", "1986-05-05"), Ehr.Consent("c-una", "una", "HMARKT"),
            Ehr.Patient("vic", "Vic", "vic@example.org", "1985-10-10"), Ehr.Consent("c-vic", "vic", "HMARKT"),
        ]);
        await StartAsync();
        await EnterAudienceAsync(Journey, Segment);
        await AdvanceToAsync(WindowOpens);
        var first = Assert.Single(MailTo("una@example.org"));
        Assert.Single(MailTo("vic@example.org"));

        // A day later Una's mail client unsubscribes her with one click (RFC 8058: a POST to the List-Unsubscribe URL).
        Assert.Equal("List-Unsubscribe=One-Click", first.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = new Uri(first.Headers[HeaderId.ListUnsubscribe]!.Trim('<', '>'));
        Assert.Equal(new Uri(JourneyServer.PublicBase).Authority, unsubscribe.Authority);
        Clock.SetUtcNow(WindowOpens.AddDays(1));
        using (var client = Server.CreateClient())
        {
            var response = await client.PostAsync(unsubscribe.PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var recorded = Assert.Single(await AuditForAsync("una", AuditActions.ConsentRecorded));
        Assert.Equal(("opt-out", "unsubscribe-link", "marketing"), (recorded.Entry.Result, recorded.Entry.Details!["source"], recorded.Entry.Details["purpose"]));
        Assert.StartsWith(recorded.Entry.MessageId + "@", first.MessageId, StringComparison.Ordinal); // the message she unsubscribed from

        // The 7-day wait passes: Vic gets the follow-up, Una does not, and the audit says why.
        await AdvanceToAsync(WindowOpens.AddDays(7));
        await AdvanceToAsync(WindowOpens.AddDays(30));

        Assert.Equal([CheckUp, FollowUp], MailTo("vic@example.org").Select(m => m.Subject));
        Assert.Equal([CheckUp], MailTo("una@example.org").Select(m => m.Subject));
        var checks = await AuditForAsync("una", AuditActions.ConsentCheck);
        Assert.Equal(["granted", "denied"], checks.Select(c => c.Entry.Result));
        var denied = checks[1].Entry.Details!;
        Assert.Equal(("opt-out-record", "record", "marketing"), (denied["rule"], denied["evidenceSource"], denied["purpose"]));
        Assert.Equal(WindowOpens.AddDays(7), checks[1].Time);
        Assert.Single(await AuditForAsync("una", AuditActions.MessageQueued));
        var steps = await StepsAsync(Journey, "una");
        Assert.Equal(["engage:TimedOut", "consent2:Denied"], steps[^2..]);
    }

    [Fact]
    public async Task FrequencyCap_ReachedAcrossJourneys_BlocksTheEnrollmentReminder_AuditedWithItsReason_NothingDelivered()
    {
        // Cap: 2 marketing messages per 7 days. amy is overdue and turning 65 (both journeys); bea only turning 65.
        Population.AddRange([
            Ehr.Patient("amy", "Amy", "amy@example.org", "1962-06-06"), Ehr.Consent("c-amy", "amy", "HMARKT"),
            Ehr.Patient("bea", "Bea", "bea@example.org", "1962-09-09"), Ehr.Consent("c-bea", "bea", "HMARKT"), Ehr.Visit("enc-bea", "bea", "2026-10-01"),
        ]);
        await StartAsync(new() { ["SecureSend:FrequencyCap:Marketing:Max"] = "2" });
        Assert.Equal(1L, (await EnterAudienceAsync(Journey, Segment)).Entered);
        Assert.Equal(2L, (await EnterAudienceAsync("enrollment", "turning-65-not-medicare")).Entered);

        // 08:00 in New York: amy gets the screening e-mail and enrollment e-mail 1 (her two), bea e-mail 1.
        await AdvanceToAsync(WindowOpens);
        Assert.Equal(["Screenings recommended at your age", "Turning 65? Let us help with Medicare"], MailTo("amy@example.org").Select(m => m.Subject).Order());
        Assert.Single(MailTo("bea@example.org"));

        // Three days on, no clicks: the enrollment reminder is bea's second message, but would be amy's third.
        await AdvanceToAsync(WindowOpens.AddDays(3));

        Assert.Equal(["Turning 65? Let us help with Medicare", "Still deciding about Medicare?"], MailTo("bea@example.org").Select(m => m.Subject));
        Assert.Equal(2, MailTo("amy@example.org").Count);
        Assert.Equal(4, Smtp.Messages.Count);
        var blocked = Assert.Single(await AuditForAsync("amy", AuditActions.PolicyDecision), r => r.Entry.Details!["activity"] == "reminder");
        Assert.Equal("blocked", blocked.Entry.Result);
        Assert.Equal("frequency cap: 2 marketing messages within 7.00:00:00 (max 2)", blocked.Entry.Details!["reason"]);
        Assert.Equal(WindowOpens.AddDays(3), blocked.Time);
        Assert.DoesNotContain(await AuditForAsync("amy", AuditActions.MessageQueued), r => r.Entry.MessageId == blocked.Entry.MessageId);
        Assert.Equal("reminder:Blocked", (await StepsAsync("enrollment", "amy"))[^1]);
        Assert.Equal("reminder:Sent", (await StepsAsync("enrollment", "bea"))[^1]);
    }
}

public sealed class SqliteReEngagementJourneyTests : ReEngagementJourneyTests
{
    private protected override JourneyStore Store { get; } = new SqliteJourneyStore();
}

public sealed class PostgresReEngagementJourneyTests : ReEngagementJourneyTests
{
    private protected override JourneyStore Store { get; } = new PostgresJourneyStore();
}
