using Automation.Activities.SecureSend.Portal;
using Automation.Engine.Audit;
using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Tests.Portal;

/// <summary>The pickup flow with a fake clock over the SQLite store.</summary>
public sealed class PortalPickupTests(SqlitePortalDatabase database) : IClassFixture<SqlitePortalDatabase>
{
    private const string RightBirthDate = "1961-03-14";
    private readonly PortalHarness portal = new(database.Store);

    [Fact]
    public async Task Deposit_ReturnsLinkUnderPublicBaseUrlWhoseTokenCarriesOnlyTheMessageId()
    {
        var message = PortalHarness.Message();

        var deposit = await portal.Mailbox.DepositAsync(message);

        Assert.Equal(message.MessageId, deposit.MessageId);
        Assert.StartsWith("https://portal.example.test/portal/", deposit.PickupUrl.AbsoluteUri, StringComparison.Ordinal);
        var token = deposit.PickupUrl.AbsolutePath["/portal/".Length..];
        Assert.Equal(TokenVerdict.Valid, portal.Tokens.Validate(PortalMailbox.LinkPurpose, token, out var payload));
        Assert.Equal(message.MessageId, payload);
        Assert.DoesNotContain("jane", deposit.PickupUrl.AbsoluteUri, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("p0000042", deposit.PickupUrl.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deposit_LinkLifetime_IsTheMessageExpiry()
    {
        var token = await portal.DepositAsync(PortalHarness.Message(lifetime: TimeSpan.FromDays(3)));

        portal.Clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        Assert.Equal(TokenVerdict.Valid, portal.Tokens.Validate(PortalMailbox.LinkPurpose, token, out _));
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TokenVerdict.Expired, portal.Tokens.Validate(PortalMailbox.LinkPurpose, token, out _));
    }

    [Fact]
    public async Task Deposit_SameMessageIdTwice_KeepsTheFirstDeposit()
    {
        var message = PortalHarness.Message();
        await portal.Mailbox.DepositAsync(message);

        var again = await portal.Mailbox.DepositAsync(message with { Subject = "changed", ExpiresAt = message.ExpiresAt.AddDays(30) });

        var token = again.PickupUrl.AbsolutePath["/portal/".Length..];
        portal.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        Assert.Equal(TokenVerdict.Expired, portal.Tokens.Validate(PortalMailbox.LinkPurpose, token, out _));
        var record = await database.Store.FindAsync(message.MessageId);
        Assert.Equal(message.ExpiresAt, record!.ExpiresAt);
        Assert.Equal(message.Subject, portal.Protector.UnprotectString(record.Subject, message.MessageId));
    }

    [Fact]
    public async Task Deposit_ManyAtOnce_EachIsStoredOnceAndRepeatsKeepTheFirst()
    {
        // Concurrent deposits share INSERT statements: each must still land, and a repeated id must stay the first's.
        var first = Enumerable.Range(0, 30).Select(_ => PortalHarness.Message()).ToList();
        var second = Enumerable.Range(0, 10).Select(_ => PortalHarness.Message()).ToList();
        var repeats = first.Take(5).Select(m => m with { Subject = "changed" });

        await Task.WhenAll(first.Select(m => Task.Run(() => portal.Mailbox.DepositAsync(m))));
        var deposits = await Task.WhenAll(second.Concat(repeats).Select(m => Task.Run(() => portal.Mailbox.DepositAsync(m))));

        Assert.Equal(first.Take(5).Select(m => m.MessageId), deposits.Skip(10).Select(d => d.MessageId));
        foreach (var message in first.Concat(second))
        {
            var record = await database.Store.FindAsync(message.MessageId);
            Assert.NotNull(record);
            Assert.Equal(message.Subject, portal.Protector.UnprotectString(record.Subject, message.MessageId));
        }
    }

    [Theory]
    [InlineData("MessageId")]
    [InlineData("RecipientAddress")]
    [InlineData("ExpiresAt")]
    public async Task Deposit_BadMessage_ThrowsNamingTheFieldAndStoresNothing(string field)
    {
        var message = PortalHarness.Message();
        var bad = field switch
        {
            "MessageId" => message with { MessageId = " " },
            "RecipientAddress" => message with { RecipientAddress = "" },
            _ => message with { ExpiresAt = PortalHarness.Start.AddSeconds(-1) },
        };

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => portal.Mailbox.DepositAsync(bad));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Null(await database.Store.FindAsync(message.MessageId));
    }

    [Fact]
    public async Task FullFlow_RightBirthDateAndCode_ShowsTheMessageAndAuditsEachStep()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);

        var opened = await portal.Pickup.OpenAsync(link);
        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var sent = Assert.Single(portal.Codes.Sent);
        var session = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, sent.Code);
        var read = await portal.Pickup.ReadAsync(link, session.SessionToken);

        Assert.Equal(PortalPage.BirthDate, opened.Page);
        Assert.Equal(PortalPage.Code, codeStep.Page);
        Assert.Equal(message.RecipientAddress, sent.RecipientAddress);
        Assert.Matches("^[0-9]{6}$", sent.Code);
        Assert.Equal(PortalHarness.Start.AddMinutes(10), sent.ExpiresAt);
        Assert.Equal(PortalPage.Message, session.Page);
        Assert.Equal(new PortalContent(message.Subject, message.HtmlBody, message.TextBody), read.Content);
        Assert.Equal(["opened", "code-sent", "read"], portal.AuditResults(message.MessageId));
        Assert.NotNull((await database.Store.FindAsync(message.MessageId))!.ReadAt);
    }

    [Fact]
    public async Task Audit_Records_CarryTheHashedPatientAndNoPhi()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        await portal.Pickup.OpenAsync(link);
        await portal.Pickup.SubmitBirthDateAsync(link, "1970-01-01");

        var entries = portal.Audit.Entries.Where(e => e.MessageId == message.MessageId).ToList();

        Assert.Equal(2, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal(AuditActions.PortalAccess, e.Action);
            Assert.Equal(portal.Hasher.Hash(message.PatientId), e.PatientHash);
            Assert.Equal("instance-1", e.InstanceId);
            var flat = string.Join("|", e.Action, e.Actor, e.Result, e.PatientHash, e.Method, string.Join(",", e.Details ?? new Dictionary<string, string>()));
            Assert.DoesNotContain(message.PatientId, flat, StringComparison.Ordinal);
            Assert.DoesNotContain("jane", flat, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("1961", flat, StringComparison.Ordinal);
            Assert.DoesNotContain("1970", flat, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task WrongBirthDate_FiveTimes_LocksAndThenRefusesTheRightOne()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);

        var answers = new List<PortalStep>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await portal.Pickup.SubmitBirthDateAsync(link, "1960-01-0" + (i + 1)));
        }

        var right = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        Assert.Equal([4, 3, 2, 1], answers.Take(4).Select(a => a.AttemptsLeft!.Value));
        Assert.All(answers.Take(4), a => Assert.Equal(PortalProblem.WrongBirthDate, a.Problem));
        Assert.Equal(PortalPage.Locked, answers[4].Page);
        Assert.Equal(PortalHarness.Start.AddMinutes(30), answers[4].LockedUntil);
        Assert.Equal(PortalPage.Locked, right.Page);
        Assert.Empty(portal.Codes.Sent);
        Assert.Equal(["identity-failed", "identity-failed", "identity-failed", "identity-failed", "identity-failed", "locked", "locked"], portal.AuditResults(message.MessageId));
    }

    [Fact]
    public async Task Lockout_ConfiguredLimitAndDuration_AreHonoured()
    {
        portal.Options.MaxFailedAttempts = 2;
        portal.Options.LockoutDuration = TimeSpan.FromMinutes(5);
        var link = await portal.DepositAsync(PortalHarness.Message());

        var first = await portal.Pickup.SubmitBirthDateAsync(link, "1900-01-01");
        var second = await portal.Pickup.SubmitBirthDateAsync(link, "1900-01-02");
        portal.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var after = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        Assert.Equal(1, first.AttemptsLeft);
        Assert.Equal(PortalPage.Locked, second.Page);
        Assert.Equal(PortalHarness.Start.AddMinutes(5), second.LockedUntil);
        Assert.Equal(PortalPage.Code, after.Page);
    }

    [Fact]
    public async Task Lockout_AfterItsDuration_AllowsTheRightAnswer()
    {
        var link = await portal.DepositAsync(PortalHarness.Message());
        for (var i = 0; i < 5; i++)
        {
            await portal.Pickup.SubmitBirthDateAsync(link, "1900-01-01");
        }

        portal.Clock.Advance(TimeSpan.FromMinutes(29));
        var stillLocked = await portal.Pickup.OpenAsync(link);
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        var open = await portal.Pickup.OpenAsync(link);
        var right = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        Assert.Equal(PortalPage.Locked, stillLocked.Page);
        Assert.Equal(PortalPage.BirthDate, open.Page);
        Assert.Equal(PortalPage.Code, right.Page);
    }

    [Fact]
    public async Task WrongAnswers_OfBothKinds_CountTowardOneLockout()
    {
        var link = await portal.DepositAsync(PortalHarness.Message());
        for (var i = 0; i < 3; i++)
        {
            await portal.Pickup.SubmitBirthDateAsync(link, "1900-01-01");
        }

        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var wrong = portal.Codes.Last == "000000" ? "000001" : "000000";
        var fourth = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, wrong);
        var fifth = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, wrong);
        var rightCodeTooLate = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        Assert.Equal(PortalProblem.WrongCode, fourth.Problem);
        Assert.Equal(1, fourth.AttemptsLeft);
        Assert.Equal(PortalPage.Locked, fifth.Page);
        Assert.Equal(PortalPage.Locked, rightCodeTooLate.Page);
    }

    [Fact]
    public async Task Code_AfterTenMinutes_IsRefused()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        portal.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var late = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        Assert.Equal(PortalPage.BirthDate, late.Page);
        Assert.NotEqual(PortalPage.Message, late.Page);
        Assert.Equal("code-failed", portal.AuditResults(message.MessageId).Last());
    }

    [Fact]
    public async Task BirthDate_RightAgainWithinAMinute_SendsNoSecondCode()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        var soon = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        portal.Clock.Advance(TimeSpan.FromSeconds(31));
        var later = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        Assert.Equal(PortalPage.Code, soon.Page);
        Assert.NotNull(soon.SessionToken);
        Assert.Equal(PortalPage.Code, later.Page);
        Assert.Equal(2, portal.Codes.Sent.Count);
        Assert.Equal(["code-sent", "code-pending", "code-sent"], portal.AuditResults(message.MessageId));
    }

    [Fact]
    public async Task Code_UsedOnce_CannotStartASecondSession()
    {
        var link = await portal.DepositAsync(PortalHarness.Message());
        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var first = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        var second = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        Assert.Equal(PortalPage.Message, first.Page);
        Assert.Equal(PortalProblem.CodeExpired, second.Problem);
        Assert.Null(second.SessionToken);
    }

    [Fact]
    public async Task Code_WithoutTheIdentityCookie_IsNotChecked()
    {
        var link = await portal.DepositAsync(PortalHarness.Message());
        await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var otherMessageLink = await portal.DepositAsync(PortalHarness.Message());
        var otherIdentity = (await portal.Pickup.SubmitBirthDateAsync(otherMessageLink, RightBirthDate)).SessionToken;

        var none = await portal.Pickup.SubmitCodeAsync(link, null, portal.Codes.Sent.First().Code);
        var foreign = await portal.Pickup.SubmitCodeAsync(link, otherIdentity, portal.Codes.Sent.First().Code);

        Assert.Equal(PortalProblem.SessionMissing, none.Problem);
        Assert.Equal(PortalProblem.SessionMissing, foreign.Problem);
    }

    [Fact]
    public async Task Read_WithoutOrAfterTheSession_ShowsNoContent()
    {
        var link = await portal.DepositAsync(PortalHarness.Message());
        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var session = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        var withIdentityOnly = await portal.Pickup.ReadAsync(link, codeStep.SessionToken);
        portal.Clock.Advance(TimeSpan.FromMinutes(16));
        var afterSession = await portal.Pickup.ReadAsync(link, session.SessionToken);

        Assert.Null(withIdentityOnly.Content);
        Assert.Equal(PortalProblem.SessionMissing, withIdentityOnly.Problem);
        Assert.Null(afterSession.Content);
        Assert.Equal(PortalProblem.SessionMissing, afterSession.Problem);
    }

    [Fact]
    public async Task Expiry_PastTheMessageExpiry_ShowsExpiredAndAuditsIt()
    {
        var message = PortalHarness.Message(lifetime: TimeSpan.FromDays(1));
        var link = await portal.DepositAsync(message);
        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var session = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        portal.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var open = await portal.Pickup.OpenAsync(link);
        var read = await portal.Pickup.ReadAsync(link, session.SessionToken);

        Assert.Equal(PortalPage.Expired, open.Page);
        Assert.Equal(PortalPage.Expired, read.Page);
        Assert.Null(read.Content);
        Assert.Equal(["expired", "expired"], portal.AuditResults(message.MessageId).TakeLast(2));
    }

    [Fact]
    public async Task Retract_BySender_StopsTheLinkEvenMidSession()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        var codeStep = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);
        var session = await portal.Pickup.SubmitCodeAsync(link, codeStep.SessionToken, portal.Codes.Last);

        var retracted = await portal.Mailbox.RetractAsync(message.MessageId, "user-7");
        var again = await portal.Mailbox.RetractAsync(message.MessageId, "user-7");
        var read = await portal.Pickup.ReadAsync(link, session.SessionToken);

        Assert.True(retracted);
        Assert.False(again);
        Assert.Equal(PortalPage.Retracted, read.Page);
        Assert.Null(read.Content);
        var bySender = Assert.Single(portal.Audit.Entries, e => e.Result == "retracted" && e.Actor == "user-7");
        Assert.Equal(message.MessageId, bySender.MessageId);
        Assert.Contains(portal.Audit.Entries, e => e.Result == "retracted" && e.Actor == "recipient");
        Assert.False(await portal.Mailbox.RetractAsync("no-such-message", "user-7"));
    }

    [Fact]
    public async Task Link_AlteredOrOfAnotherPurpose_IsNotFound()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        var altered = link[..^2] + (link[^2] == 'A' ? "B" : "A") + link[^1];
        var sessionAsLink = portal.Tokens.Create(PortalPickup.SessionPurpose, message.MessageId, TimeSpan.FromMinutes(5));

        Assert.Equal(PortalPage.NotFound, (await portal.Pickup.OpenAsync(altered)).Page);
        Assert.Equal(PortalPage.NotFound, (await portal.Pickup.OpenAsync(sessionAsLink)).Page);
        Assert.Equal(PortalPage.NotFound, (await portal.Pickup.OpenAsync("garbage")).Page);
        Assert.Empty(portal.AuditResults(message.MessageId));
    }

    [Fact]
    public async Task BirthDate_NotADate_IsShownAgainWithoutCounting()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);

        var step = await portal.Pickup.SubmitBirthDateAsync(link, "14/03/1961");

        Assert.Equal(PortalProblem.UnreadableBirthDate, step.Problem);
        Assert.Equal(0, (await database.Store.FindAsync(message.MessageId))!.FailedAttempts);
    }

    [Fact]
    public async Task BirthDate_PatientUnknownToTheRecord_FailsTheCheck()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        portal.BirthDates.Dates.Clear();

        var step = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        Assert.Equal(PortalProblem.WrongBirthDate, step.Problem);
        Assert.Empty(portal.Codes.Sent);
    }

    [Fact]
    public async Task BirthDate_PatientRecordUnreachable_SaysSoWithoutCounting()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        portal.BirthDates.Unreachable = true;

        var step = await portal.Pickup.SubmitBirthDateAsync(link, "1970-01-01");

        Assert.Equal(PortalProblem.CheckUnavailable, step.Problem);
        Assert.Equal(0, (await database.Store.FindAsync(message.MessageId))!.FailedAttempts);
        Assert.Empty(portal.Codes.Sent);
        Assert.Equal("identity-unavailable", portal.AuditResults(message.MessageId).Last());
    }

    [Fact]
    public async Task Code_SenderFails_SaysSoAndAuditsIt()
    {
        var message = PortalHarness.Message();
        var link = await portal.DepositAsync(message);
        portal.Codes.Fail = true;

        var step = await portal.Pickup.SubmitBirthDateAsync(link, RightBirthDate);

        Assert.Equal(PortalProblem.CodeNotSent, step.Problem);
        Assert.Null(step.SessionToken);
        Assert.Equal("code-send-failed", portal.AuditResults(message.MessageId).Last());
    }
}
