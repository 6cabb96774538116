using System.Globalization;
using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// The signed tokens of the public tracking, unsubscribe and preference links. Each carries the message id only (the
/// click token adds the link index); the purpose is bound into the signature, so a token cannot be replayed on
/// another endpoint. The server looks the patient up by message id; nothing else is ever in a URL.
/// </summary>
public sealed class TrackingTokens
{
    /// <summary>The open pixel's token purpose.</summary>
    public const string OpenPurpose = "open";

    /// <summary>The click redirect's token purpose.</summary>
    public const string ClickPurpose = "click";

    /// <summary>The unsubscribe link's token purpose.</summary>
    public const string UnsubscribePurpose = "unsubscribe";

    /// <summary>The preference page's token purpose.</summary>
    public const string PreferencesPurpose = "preferences";

    private readonly SignedTokens tokens;
    private readonly TimeSpan lifetime;

    /// <summary>Creates the token helper.</summary>
    /// <param name="tokens">The signer.</param>
    /// <param name="lifetime">How long links stay valid.</param>
    public TrackingTokens(SignedTokens tokens, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        this.tokens = tokens;
        this.lifetime = lifetime;
    }

    /// <summary>A token for one purpose, carrying the message id.</summary>
    /// <param name="purpose">One of the purpose constants.</param>
    /// <param name="messageId">The message id.</param>
    /// <returns>The token.</returns>
    public string ForMessage(string purpose, string messageId) => tokens.Create(purpose, messageId, lifetime);

    /// <summary>A click token for one link of a message.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="linkIndex">The link's index in the recorded link list.</param>
    /// <returns>The token.</returns>
    public string ForClick(string messageId, int linkIndex) => tokens.Create(ClickPurpose, messageId + "|" + linkIndex.ToString(CultureInfo.InvariantCulture), lifetime);

    /// <summary>Checks a message token.</summary>
    /// <param name="purpose">The purpose it must carry.</param>
    /// <param name="token">The token from the URL.</param>
    /// <param name="messageId">The message id when valid.</param>
    /// <returns>The verdict.</returns>
    public TokenVerdict ReadMessage(string purpose, string? token, out string messageId)
    {
        var verdict = tokens.Validate(purpose, token, out messageId);
        if (verdict == TokenVerdict.Valid && messageId.Length == 0)
        {
            return TokenVerdict.Malformed;
        }

        return verdict;
    }

    /// <summary>Checks a click token.</summary>
    /// <param name="token">The token from the URL.</param>
    /// <param name="messageId">The message id when valid.</param>
    /// <param name="linkIndex">The link index when valid.</param>
    /// <returns>The verdict.</returns>
    public TokenVerdict ReadClick(string? token, out string messageId, out int linkIndex)
    {
        messageId = "";
        linkIndex = -1;
        var verdict = tokens.Validate(ClickPurpose, token, out var payload);
        if (verdict != TokenVerdict.Valid)
        {
            return verdict;
        }

        var bar = payload.LastIndexOf('|');
        if (bar <= 0 || !int.TryParse(payload.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out linkIndex))
        {
            linkIndex = -1;
            return TokenVerdict.Malformed;
        }

        messageId = payload[..bar];
        return TokenVerdict.Valid;
    }
}
