using Automation.Activities.SecureSend.Policies;

namespace Automation.Activities.SecureSend.Tests.Policies;

public sealed class PolicyEngineTests
{
    private static readonly SecureSendPolicy Default = PolicyLoader.BuiltInDefault;

    [Fact]
    public void Decide_PhiWithCertificate_ChoosesSmimeAndRequiresTls()
    {
        var decision = PolicyEngine.Decide(Default, true, "treatment", new RecipientCapabilities(true, true, true, false));

        Assert.Equal("smime", decision.Method);
        Assert.True(decision.RequireTls);
    }

    [Fact]
    public void Decide_PhiWithOnlyPgpKey_FallsBackInOrderAndNamesWhatWasSkipped()
    {
        var decision = PolicyEngine.Decide(Default, true, "treatment", new RecipientCapabilities(false, true, false, false));

        Assert.Equal("pgp", decision.Method);
        Assert.Contains("smime skipped: no usable S/MIME certificate", decision.Reason);
    }

    [Fact]
    public void Decide_PhiWithoutAnyCapability_IsBlocked()
    {
        var decision = PolicyEngine.Decide(Default, true, "treatment", RecipientCapabilities.None);

        Assert.True(decision.Blocked);
        Assert.Contains("portal skipped", decision.Reason);
    }

    [Fact]
    public void Decide_NonPhi_GoesByTlsWithTlsRequired()
    {
        var decision = PolicyEngine.Decide(Default, false, "reminder", RecipientCapabilities.None);

        Assert.Equal("tls", decision.Method);
        Assert.True(decision.RequireTls);
    }

    [Fact]
    public void Decide_PhiByTls_OnlyWithAPhiRuleAndADomainThatRequiresTls()
    {
        var explicitPhi = new SecureSendPolicy("p", false, [new PolicyRule("phi", [], ["tls"])]);
        var anyRule = new SecureSendPolicy("p", false, [new PolicyRule("any", [], ["tls"])]);

        Assert.Equal("tls", PolicyEngine.Decide(explicitPhi, true, "", new RecipientCapabilities(false, false, false, true)).Method);
        Assert.True(PolicyEngine.Decide(explicitPhi, true, "", RecipientCapabilities.None).Blocked);
        Assert.True(PolicyEngine.Decide(anyRule, true, "", new RecipientCapabilities(false, false, false, true)).Blocked);
    }

    [Fact]
    public void Decide_TlsExclusive_DropsInsteadOfFallingBackToThePortal()
    {
        var methods = new[] { "tls", "portal" };
        var exclusive = new SecureSendPolicy("x", true, [new PolicyRule("phi", [], methods)]);
        var fallback = exclusive with { TlsExclusive = false };
        var recipient = new RecipientCapabilities(false, false, true, false);

        Assert.True(PolicyEngine.Decide(exclusive, true, "", recipient).Blocked);
        Assert.Contains("tls exclusive", PolicyEngine.Decide(exclusive, true, "", recipient).Reason);
        Assert.Equal("portal", PolicyEngine.Decide(fallback, true, "", recipient).Method);
    }

    [Fact]
    public void Decide_PurposeRule_AppliesOnlyToItsPurpose()
    {
        var policy = new SecureSendPolicy("p", false,
        [
            new PolicyRule("non-phi", ["marketing"], ["smime"]),
            new PolicyRule("non-phi", [], ["tls"]),
        ]);

        Assert.True(PolicyEngine.Decide(policy, false, "marketing", RecipientCapabilities.None).Blocked);
        Assert.Equal("tls", PolicyEngine.Decide(policy, false, "reminder", RecipientCapabilities.None).Method);
    }
}
