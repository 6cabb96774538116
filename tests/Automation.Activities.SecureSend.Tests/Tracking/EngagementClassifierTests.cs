using System.Net;
using Automation.Activities.SecureSend.Tracking;
using static Automation.Activities.SecureSend.Tests.Tracking.TrackingTestSupport;

namespace Automation.Activities.SecureSend.Tests.Tracking;

/// <summary>Automated-open classification: one test per class, and people left alone.</summary>
public sealed class EngagementClassifierTests
{
    private const string IPhoneMail = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    private static readonly EngagementClassifier Classifier = new(Options());

    private static EngagementClassification Classify(string type, string? agent, string? ip = "203.0.113.9", string method = "GET", int secondsAfterSend = 3600) =>
        Classifier.Classify(new EngagementRequest("m1", type, T0.AddSeconds(secondsAfterSend), agent, ip is null ? null : IPAddress.Parse(ip), method), T0);

    [Theory]
    [InlineData("open", IPhoneMail)]
    [InlineData("click", Chrome)]
    public void Classify_PersonLaterOn_Human(string type, string agent)
    {
        Assert.Equal(EngagementClassification.Human, Classify(type, agent));
    }

    [Theory]
    [InlineData("17.58.101.4")]
    [InlineData("::ffff:17.1.2.3")]
    public void Classify_OpenFromApplesNetwork_ApplePrivacyProtection(string ip)
    {
        Assert.Equal(new EngagementClassification(true, "apple-mail-privacy-protection"), Classify("open", IPhoneMail, ip));
    }

    [Fact]
    public void Classify_OpenWithBareMozillaAgent_ApplePrivacyProtection()
    {
        Assert.Equal("apple-mail-privacy-protection", Classify("open", "Mozilla/5.0").Reason);
    }

    [Fact]
    public void Classify_ClickFromApplesNetwork_StillHuman()
    {
        Assert.False(Classify("click", Chrome, "17.58.101.4").Automated);
    }

    [Fact]
    public void Classify_GmailImageProxy_ProxyFetched()
    {
        Assert.Equal(new EngagementClassification(true, "gmail-image-proxy"),
            Classify("open", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", "66.249.84.1"));
    }

    [Theory]
    [InlineData("Barracuda Sentinel (EE)")]
    [InlineData("Mozilla/5.0 Mimecast-Url-Protect")]
    [InlineData("Proofpoint URL Defense")]
    [InlineData("python-requests/2.31")]
    public void Classify_KnownScanner_MailScanner(string agent)
    {
        Assert.Equal(new EngagementClassification(true, "mail-scanner"), Classify("click", agent));
    }

    [Fact]
    public void Classify_HeadRequest_Automated()
    {
        Assert.Equal("head-request", Classify("click", Chrome, method: "HEAD").Reason);
    }

    [Fact]
    public void Classify_NoUserAgent_Automated()
    {
        Assert.Equal("no-user-agent", Classify("open", null).Reason);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void Classify_WithinPrefetchWindowOfDelivery_Prefetch(int seconds, bool automated)
    {
        var result = Classify("click", Chrome, secondsAfterSend: seconds);

        Assert.Equal(automated, result.Automated);
        Assert.Equal(automated ? "prefetch-after-delivery" : null, result.Reason);
    }

    [Fact]
    public void Classify_UnsubscribeFromScanner_StillHumanBecauseItNeedsAFormPost()
    {
        Assert.False(Classify(EngagementTypes.Unsubscribe, "Barracuda").Automated);
    }
}
