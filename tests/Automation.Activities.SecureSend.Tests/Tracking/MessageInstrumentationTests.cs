using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static Automation.Activities.SecureSend.Tests.Tracking.TrackingTestSupport;

namespace Automation.Activities.SecureSend.Tests.Tracking;

public sealed class MessageInstrumentationTests : IDisposable
{
    private const string Html = """
        <html><body><p>Hi, book your flu shot:</p>
        <a class="btn" data-href="https://data.example.org/" href="https://clinic.example.org/book?campaign=flu&amp;slot=3">Book</a>
        <a href='http://example.org/info'>Info</a> <a href="mailto:help@example.org">Mail us</a> <a href="#top">Top</a>
        </body></html>
        """;

    private readonly string folder = Directory.CreateTempSubdirectory("automation-instrument-").FullName;
    private readonly FakeTimeProvider clock = new(T0);
    private readonly byte[] key = NewKey();
    private readonly ITrackingStore store;
    private readonly MessageInstrumentation instrumentation;

    public MessageInstrumentationTests()
    {
        store = new SqliteTrackingStore($"Data Source={Path.Combine(folder, "t.db")}");
        store.MigrateAsync().GetAwaiter().GetResult();
        instrumentation = new MessageInstrumentation(store, Tokens(clock, key), Options(), clock);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static TrackedMessage Message(bool marketing = true, string? text = "Book at https://clinic.example.org/book. Thanks") =>
        new("msg-7f3a", "p0000042", "inst-1", "flu-campaign", marketing ? "marketing" : "treatment", marketing, Html, text);

    private static string[] Hrefs(string html) => Regex.Matches(html, "(?<=\\s)href=[\"']([^\"']*)[\"']").Select(m => m.Groups[1].Value).ToArray();

    [Fact]
    public async Task InstrumentAsync_RewritesOnlyWebLinks_AndRecordsTheirTargets()
    {
        var result = await instrumentation.InstrumentAsync(Message(marketing: false));

        var hrefs = Hrefs(result.Html);
        Assert.StartsWith("https://engage.example.org/t/c/", hrefs[0], StringComparison.Ordinal);
        Assert.StartsWith("https://engage.example.org/t/c/", hrefs[1], StringComparison.Ordinal);
        Assert.Equal(["mailto:help@example.org", "#top"], hrefs[2..]);
        Assert.Contains("class=\"btn\" data-href=\"https://data.example.org/\" href=", result.Html, StringComparison.Ordinal);
        var stored = await store.GetMessageAsync("msg-7f3a");
        Assert.Equal(["https://clinic.example.org/book?campaign=flu&slot=3", "http://example.org/info", "https://clinic.example.org/book"], stored!.Links);
        Assert.Equal(("p0000042", "inst-1", "flu-campaign", "treatment", T0), (stored.PatientId, stored.InstanceId, stored.DefinitionId, stored.Purpose, stored.SentAt));
    }

    [Fact]
    public async Task InstrumentAsync_ClickTokensCarryMessageIdAndIndexOnly()
    {
        var result = await instrumentation.InstrumentAsync(Message());
        var tokens = Tokens(clock, key);

        var indexes = new List<int>();
        foreach (var href in Hrefs(result.Html).Where(h => h.Contains("/t/c/", StringComparison.Ordinal)))
        {
            var token = href[(href.LastIndexOf('/') + 1)..];
            Assert.Equal(TokenVerdict.Valid, tokens.ReadClick(token, out var messageId, out var index));
            Assert.Equal("msg-7f3a", messageId);
            indexes.Add(index);
            var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0]));
            Assert.Equal($"msg-7f3a|{index}", payload);
        }

        Assert.Equal([0, 1], indexes);
        Assert.DoesNotContain("p0000042", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("p0000042", result.Text!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstrumentAsync_AppendsOpenPixelInsideBody()
    {
        var result = await instrumentation.InstrumentAsync(Message(marketing: false));

        var pixel = Regex.Match(result.Html, "<img src=\"https://engage.example.org/t/o/([^\"]+)\" width=\"1\" height=\"1\"");
        Assert.True(pixel.Success);
        Assert.True(pixel.Index < result.Html.IndexOf("</body>", StringComparison.Ordinal));
        Assert.Equal(TokenVerdict.Valid, Tokens(clock, key).ReadMessage(TrackingTokens.OpenPurpose, pixel.Groups[1].Value, out var messageId));
        Assert.Equal("msg-7f3a", messageId);
    }

    [Fact]
    public async Task InstrumentAsync_Marketing_AddsUnsubscribeAndPreferenceLinksAndReturnsListUnsubscribeUrl()
    {
        var result = await instrumentation.InstrumentAsync(Message());

        Assert.NotNull(result.UnsubscribeUrl);
        Assert.StartsWith("https://engage.example.org/u/", result.UnsubscribeUrl!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains(result.UnsubscribeUrl.AbsoluteUri, Hrefs(result.Html));
        Assert.Contains(Hrefs(result.Html), h => h.StartsWith("https://engage.example.org/p/", StringComparison.Ordinal));
        Assert.Contains("Unsubscribe: " + result.UnsubscribeUrl.AbsoluteUri, result.Text, StringComparison.Ordinal);
        var token = result.UnsubscribeUrl.AbsoluteUri[(result.UnsubscribeUrl.AbsoluteUri.LastIndexOf('/') + 1)..];
        Assert.Equal(TokenVerdict.Valid, Tokens(clock, key).ReadMessage(TrackingTokens.UnsubscribePurpose, token, out _));
        Assert.Equal(TokenVerdict.BadSignature, Tokens(clock, key).ReadMessage(TrackingTokens.OpenPurpose, token, out _));
    }

    [Fact]
    public async Task InstrumentAsync_Treatment_HasNoUnsubscribeLink()
    {
        var result = await instrumentation.InstrumentAsync(Message(marketing: false));

        Assert.Null(result.UnsubscribeUrl);
        Assert.DoesNotContain("/u/", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstrumentAsync_TextBody_UrlsRewrittenPunctuationKept()
    {
        var result = await instrumentation.InstrumentAsync(Message(marketing: false));

        Assert.Matches(@"^Book at https://engage\.example\.org/t/c/[A-Za-z0-9_\-\.]+\. Thanks$", result.Text!);
    }

    [Fact]
    public async Task InstrumentAsync_Retried_KeepsTheFirstRecording()
    {
        await instrumentation.InstrumentAsync(Message());
        clock.Advance(TimeSpan.FromMinutes(3));

        await instrumentation.InstrumentAsync(Message() with { Html = "<a href=\"https://elsewhere.example/\">x</a>" });

        var stored = await store.GetMessageAsync("msg-7f3a");
        Assert.Equal(T0, stored!.SentAt);
        Assert.Equal("https://clinic.example.org/book?campaign=flu&slot=3", stored.Links[0]);
    }

    [Fact]
    public void Constructor_NoPublicBaseUrl_ThrowsNamingTheSetting()
    {
        var exception = Assert.Throws<ArgumentException>(() => new MessageInstrumentation(store, Tokens(clock), new TrackingOptions(), clock));

        Assert.Contains("Automation:PublicBaseUrl", exception.Message, StringComparison.Ordinal);
    }
}
