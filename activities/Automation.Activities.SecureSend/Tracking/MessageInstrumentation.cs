using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// Adds tracking to a rendered message: every http(s) <c>&lt;a href&gt;</c> (and every http(s) URL of the text body)
/// becomes <c>{PublicBaseUrl}/t/c/{token}</c> whose token holds the message id and the link's index, the link target
/// is recorded for the message (the redirect goes there and nowhere else), an open pixel
/// <c>{PublicBaseUrl}/t/o/{token}</c> is appended, and marketing messages get an unsubscribe link
/// <c>{PublicBaseUrl}/u/{token}</c> (also returned for <c>List-Unsubscribe</c>) and a preference link
/// <c>{PublicBaseUrl}/p/{token}</c>. Other schemes (mailto:, tel:, anchors) are left alone.
/// </summary>
public sealed partial class MessageInstrumentation : IMessageInstrumentation
{
    private readonly ITrackingStore store;
    private readonly TrackingTokens tokens;
    private readonly TrackingOptions options;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates the instrumentation.</summary>
    /// <param name="store">Where messages and their links are recorded.</param>
    /// <param name="tokens">Signs the link tokens.</param>
    /// <param name="options">The public base URL.</param>
    /// <param name="timeProvider">The clock (sent-at).</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public MessageInstrumentation(ITrackingStore store, TrackingTokens tokens, TrackingOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        this.store = store;
        this.tokens = tokens;
        this.options = options;
        this.timeProvider = timeProvider;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The message id, patient id or purpose is empty.</exception>
    public async Task<InstrumentedMessage> InstrumentAsync(TrackedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.MessageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.PatientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(message.Purpose);
        var links = new List<string>();
        var html = AnchorHref().Replace(message.Html ?? "", match =>
        {
            var target = WebUtility.HtmlDecode(match.Groups["url"].Value).Trim();
            if (!IsWebUrl(target))
            {
                return match.Value;
            }

            var url = ClickUrl(message.MessageId, links.Count);
            links.Add(target);
            var group = match.Groups["url"];
            return match.Value[..(group.Index - match.Index)] + url + match.Value[(group.Index - match.Index + group.Length)..];
        });
        var text = message.Text is null ? null : TextUrl().Replace(message.Text, match =>
        {
            // Sentence punctuation after a URL in prose is not part of it.
            var target = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')');
            if (!IsWebUrl(target))
            {
                return match.Value;
            }

            var url = ClickUrl(message.MessageId, links.Count);
            links.Add(target);
            return url + match.Value[target.Length..];
        });

        var pixel = $"<img src=\"{options.BaseUrl}/t/o/{tokens.ForMessage(TrackingTokens.OpenPurpose, message.MessageId)}\" width=\"1\" height=\"1\" alt=\"\" style=\"border:0;width:1px;height:1px\">";
        Uri? unsubscribe = null;
        var footer = new StringBuilder();
        if (message.IsMarketing)
        {
            unsubscribe = new Uri($"{options.BaseUrl}/u/{tokens.ForMessage(TrackingTokens.UnsubscribePurpose, message.MessageId)}");
            var preferences = $"{options.BaseUrl}/p/{tokens.ForMessage(TrackingTokens.PreferencesPurpose, message.MessageId)}";
            footer.Append("<p style=\"font-size:12px;color:#555\"><a href=\"").Append(unsubscribe.AbsoluteUri).Append("\">Unsubscribe</a> &middot; <a href=\"")
                .Append(preferences).Append("\">Communication preferences</a></p>");
            text = text is null ? null : $"{text}\n\nUnsubscribe: {unsubscribe.AbsoluteUri}\nCommunication preferences: {preferences}\n";
        }

        footer.Append(pixel);
        var closing = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        html = closing >= 0 ? html.Insert(closing, footer.ToString()) : html + footer;

        // The first recording wins, so a retried send keeps the links (and tokens) of the message already out there.
        await store.SaveMessageAsync(new TrackedMessageRecord
        {
            MessageId = message.MessageId, PatientId = message.PatientId, InstanceId = message.InstanceId ?? "", DefinitionId = message.DefinitionId ?? "",
            Purpose = message.Purpose, Links = links, SentAt = timeProvider.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        return new InstrumentedMessage(html, text, unsubscribe);
    }

    private string ClickUrl(string messageId, int index) => $"{options.BaseUrl}/t/c/{tokens.ForClick(messageId, index)}";

    private static bool IsWebUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("""<a\b[^>]*?\shref\s*=\s*(?<q>["'])(?<url>.*?)\k<q>""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AnchorHref();

    [GeneratedRegex("""https?://[^\s<>"']+""", RegexOptions.IgnoreCase)]
    private static partial Regex TextUrl();
}
