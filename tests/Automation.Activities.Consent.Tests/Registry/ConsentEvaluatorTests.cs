using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Patients;
using static Automation.Activities.Consent.Tests.Support.Consents;

namespace Automation.Activities.Consent.Tests.Registry;

/// <summary>Consent precedence: permit vs deny vs expired vs revoked vs opt-out vs later opt-in, purposes and channels.</summary>
public sealed class ConsentEvaluatorTests
{
    private static ConsentDecision Decide(ConsentFact[] consents, ConsentRecord[]? records = null, string purpose = "marketing", string channel = "email", DateTimeOffset? now = null) =>
        ConsentEvaluator.Decide(purpose, channel, consents, records ?? [], now ?? Now);

    [Fact]
    public void Decide_NothingAtAll_DeniedFailClosed()
    {
        var decision = Decide([]);

        Assert.False(decision.Granted);
        Assert.Equal(ConsentRules.NoConsent, decision.Rule);
        Assert.Null(decision.Evidence);
    }

    [Fact]
    public void Decide_ActiveMarketingPermit_GrantedWithConsentIdAndVersion()
    {
        var decision = Decide([Fact("c1", version: "3")]);

        Assert.True(decision.Granted);
        Assert.Equal(ConsentRules.FhirPermit, decision.Rule);
        Assert.Equal(new ConsentEvidence(ConsentEvidence.FhirConsent, "c1", "3"), decision.Evidence);
    }

    [Fact]
    public void Decide_TreatmentPermitOnly_MarketingDeniedTreatmentGranted()
    {
        ConsentFact[] consents = [Fact("treat", purpose: "TREAT")];

        Assert.Equal(ConsentRules.NoConsent, Decide(consents).Rule);
        Assert.True(Decide(consents, purpose: ConsentPurposes.Treatment).Granted);
    }

    [Fact]
    public void Decide_MarketingDeniedTreatmentPermitted_EachPurposeDecidedOnItsOwn()
    {
        ConsentFact[] consents = [Fact("treat", purpose: "TREAT"), Fact("no-mkt", decision: "deny", purpose: "HMARKT")];

        Assert.Equal(ConsentRules.FhirDeny, Decide(consents).Rule);
        Assert.Equal(ConsentRules.FhirPermit, Decide(consents, purpose: ConsentPurposes.Treatment).Rule);
    }

    [Fact]
    public void Decide_PermitWithoutPurpose_IsNotAnExplicitMarketingPermit()
    {
        Assert.False(Decide([Fact("general", purpose: "")]).Granted);
    }

    [Fact]
    public void Decide_DenyAndPermitBothActive_DenyWins()
    {
        var decision = Decide([Fact("permit", signedDaysAgo: 1), Fact("deny", decision: "deny", signedDaysAgo: 50)]);

        Assert.False(decision.Granted);
        Assert.Equal(ConsentRules.FhirDeny, decision.Rule);
        Assert.Equal("deny", decision.Evidence!.Id);
    }

    [Fact]
    public void Decide_DenyWithoutPurpose_DeniesEveryPurpose()
    {
        ConsentFact[] consents = [Fact("permit", purpose: "TREAT"), Fact("deny-all", decision: "deny", purpose: "")];

        Assert.Equal(ConsentRules.FhirDeny, Decide(consents, purpose: ConsentPurposes.Treatment).Rule);
    }

    [Fact]
    public void Decide_ActiveDenyAndLaterOptIn_StillDenied()
    {
        var decision = Decide([Fact("deny", decision: "deny", signedDaysAgo: 30)], [Record("r1", ConsentRecordKind.OptIn, daysAgo: 1)]);

        Assert.Equal(ConsentRules.FhirDeny, decision.Rule);
    }

    [Fact]
    public void Decide_InactiveDeny_DoesNotDeny()
    {
        Assert.True(Decide([Fact("permit"), Fact("old-deny", decision: "deny", status: "inactive")]).Granted);
    }

    [Fact]
    public void Decide_ExpiredPermit_DeniedAsExpired()
    {
        var decision = Decide([Fact("c1", endDaysFromNow: -1)]);

        Assert.False(decision.Granted);
        Assert.Equal(ConsentRules.FhirPermitExpired, decision.Rule);
        Assert.Equal("c1", decision.Evidence!.Id);
    }

    [Fact]
    public void Decide_PeriodEndingExactlyNow_StillGranted()
    {
        Assert.True(ConsentEvaluator.Decide("marketing", "email", [Fact("c1", endDaysFromNow: 0)], [], Now).Granted);
        Assert.False(ConsentEvaluator.Decide("marketing", "email", [Fact("c1", endDaysFromNow: 0)], [], Now.AddTicks(1)).Granted);
    }

    [Fact]
    public void Decide_PermitNotStartedYet_DeniedAsNotYetValid()
    {
        Assert.Equal(ConsentRules.FhirPermitNotYetValid, Decide([Fact("c1", startDaysAgo: -2)]).Rule);
    }

    [Theory]
    [InlineData("inactive")]
    [InlineData("rejected")]
    [InlineData("entered-in-error")]
    public void Decide_RevokedPermit_DeniedAsRevoked(string status)
    {
        var decision = Decide([Fact("c1", status: status)]);

        Assert.False(decision.Granted);
        Assert.Equal(ConsentRules.FhirPermitRevoked, decision.Rule);
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("proposed")]
    public void Decide_PermitNotYetInForce_Denied(string status)
    {
        Assert.False(Decide([Fact("c1", status: status)]).Granted);
    }

    [Fact]
    public void Decide_ExpiredAndCurrentPermit_CurrentGrants()
    {
        var decision = Decide([Fact("old", endDaysFromNow: -10, signedDaysAgo: 400), Fact("new", signedDaysAgo: 5)]);

        Assert.True(decision.Granted);
        Assert.Equal("new", decision.Evidence!.Id);
    }

    [Fact]
    public void Decide_PermitForSmsOnly_EmailDenied()
    {
        ConsentFact[] consents = [Fact("c1", channel: "sms")];

        Assert.False(Decide(consents).Granted);
        Assert.True(Decide(consents, channel: "sms").Granted);
    }

    [Fact]
    public void Decide_PermitWithoutChannel_CoversEveryChannel()
    {
        Assert.True(Decide([Fact("c1", channel: "")], channel: "sms").Granted);
    }

    [Fact]
    public void Decide_OptOutAfterPermit_DeniedByRecord()
    {
        var decision = Decide([Fact("c1", signedDaysAgo: 100)], [Record("r1", ConsentRecordKind.OptOut, daysAgo: 2)]);

        Assert.False(decision.Granted);
        Assert.Equal(ConsentRules.OptOutRecord, decision.Rule);
        Assert.Equal(new ConsentEvidence(ConsentEvidence.Record, "r1", null), decision.Evidence);
    }

    [Fact]
    public void Decide_PermitSignedAfterOptOut_PermitWins()
    {
        var decision = Decide([Fact("c1", signedDaysAgo: 1)], [Record("r1", ConsentRecordKind.OptOut, daysAgo: 30)]);

        Assert.Equal(ConsentRules.FhirPermit, decision.Rule);
    }

    [Fact]
    public void Decide_PermitWithoutDates_OlderThanAnyRecord()
    {
        var undated = new ConsentFact("c1", "active", "permit", ["HMARKT"], ["email"], null, null);

        Assert.Equal(ConsentRules.OptOutRecord, Decide([undated], [Record("r1", ConsentRecordKind.OptOut, daysAgo: 3000)]).Rule);
    }

    [Fact]
    public void Decide_OptInWithoutFhirPermit_Granted()
    {
        var decision = Decide([], [Record("r1", ConsentRecordKind.OptIn, daysAgo: 3)]);

        Assert.True(decision.Granted);
        Assert.Equal(ConsentRules.OptInRecord, decision.Rule);
    }

    [Fact]
    public void Decide_OptInThenLaterOptOut_Denied()
    {
        var decision = Decide([], [Record("out", ConsentRecordKind.OptOut, daysAgo: 1), Record("in", ConsentRecordKind.OptIn, daysAgo: 10)]);

        Assert.False(decision.Granted);
        Assert.Equal("out", decision.Evidence!.Id);
    }

    [Fact]
    public void Decide_OptOutThenLaterOptIn_Granted()
    {
        var decision = Decide([Fact("c1", signedDaysAgo: 200)], [Record("out", ConsentRecordKind.OptOut, daysAgo: 20), Record("in", ConsentRecordKind.OptIn, daysAgo: 2)]);

        Assert.True(decision.Granted);
        Assert.Equal(ConsentRules.OptInRecord, decision.Rule);
        Assert.Equal("in", decision.Evidence!.Id);
    }

    [Fact]
    public void Decide_OptInAndOptOutAtTheSameInstant_OptOutWins()
    {
        var decision = Decide([], [Record("b-in", ConsentRecordKind.OptIn, daysAgo: 1), Record("a-out", ConsentRecordKind.OptOut, daysAgo: 1)]);

        Assert.Equal(ConsentRules.OptOutRecord, decision.Rule);
    }

    [Fact]
    public void Decide_OptInRevivesExpiredPermit_Granted()
    {
        Assert.True(Decide([Fact("c1", endDaysFromNow: -5)], [Record("in", ConsentRecordKind.OptIn, daysAgo: 1)]).Granted);
    }

    [Fact]
    public void Decide_OptOutForAllChannels_DeniesEmailAndSms()
    {
        ConsentRecord[] records = [Record("out", ConsentRecordKind.OptOut, daysAgo: 1, channel: ConsentChannels.All)];
        ConsentFact[] consents = [Fact("c1", channel: "", signedDaysAgo: 10)];

        Assert.False(Decide(consents, records).Granted);
        Assert.False(Decide(consents, records, channel: "sms").Granted);
    }

    [Fact]
    public void Decide_SmsOptOut_LeavesEmailGranted()
    {
        ConsentRecord[] records = [Record("out", ConsentRecordKind.OptOut, daysAgo: 1, channel: ConsentChannels.Sms)];

        Assert.True(Decide([Fact("c1", channel: "", signedDaysAgo: 10)], records).Granted);
    }

    [Fact]
    public void Decide_MarketingOptOut_LeavesTreatmentGranted()
    {
        ConsentFact[] consents = [Fact("t", purpose: "TREAT", signedDaysAgo: 10)];

        Assert.True(Decide(consents, [Record("out", ConsentRecordKind.OptOut, daysAgo: 1)], purpose: ConsentPurposes.Treatment).Granted);
    }

    [Fact]
    public void Decide_PurposeCodesAreCaseInsensitive_EtreatCountsForTreatment()
    {
        Assert.True(Decide([Fact("c1", purpose: "etreat")], purpose: ConsentPurposes.Treatment).Granted);
    }

    [Theory]
    [InlineData("Marketing", "email")]
    [InlineData("", "email")]
    [InlineData("marketing", "fax")]
    public void Decide_MalformedPurposeOrChannel_ThrowsNamingTheArgument(string purpose, string channel)
    {
        var exception = Assert.Throws<ArgumentException>(() => ConsentEvaluator.Decide(purpose, channel, [], [], Now));

        Assert.Equal(purpose is "marketing" ? "channel" : "purpose", exception.ParamName);
    }
}
