using System.Net;
using System.Net.Sockets;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// Tells machine opens and clicks from human ones, so engagement is not inflated. Rules, first match wins (the reason
/// stored with the event in brackets):
/// <list type="number">
/// <item>A <c>HEAD</c> request: link checkers and scanners probe, browsers GET [<c>head-request</c>].</item>
/// <item>No user agent at all: people's mail clients always send one [<c>no-user-agent</c>].</item>
/// <item>A known mail-security scanner's user agent (Barracuda, Mimecast, Proofpoint, Symantec MessageLabs, Cisco
/// IronPort, Microsoft Safe Links, Trend Micro, Forcepoint) or a generic crawler (bot, spider, crawler, curl, wget,
/// python-requests, HeadlessChrome) [<c>mail-scanner</c>].</item>
/// <item>Gmail's image proxy (user agent containing <c>GoogleImageProxy</c>): Gmail fetches images through it and
/// caches them, so the fetch says nothing certain about a person reading [<c>gmail-image-proxy</c>].</item>
/// <item>Apple Mail Privacy Protection, opens only: Apple's proxies preload every image of every message when it is
/// delivered, from Apple's own network 17.0.0.0/8, and send the bare user agent <c>Mozilla/5.0</c> with no platform
/// details; either sign classifies the open [<c>apple-mail-privacy-protection</c>].</item>
/// <item>Any open or click within <see cref="TrackingOptions.PrefetchWindow"/> (default 10 s) of sending: no person
/// opens and clicks that fast, scanners that detonate links on delivery do [<c>prefetch-after-delivery</c>].</item>
/// </list>
/// Everything else is human. Unsubscribes, portal logins and form completions are always human: they need a person to
/// submit a form (a scanner's GET of the unsubscribe page records nothing).
/// </summary>
public sealed class EngagementClassifier
{
    private static readonly string[] ScannerAgents =
    [
        "barracuda", "mimecast", "proofpoint", "messagelabs", "ironport", "safelinks", "trend micro", "trendmicro", "forcepoint",
        "bot", "spider", "crawler", "curl/", "wget/", "python-requests", "headlesschrome",
    ];

    private readonly TimeSpan prefetchWindow;

    /// <summary>Creates the classifier.</summary>
    /// <param name="options">The prefetch window.</param>
    public EngagementClassifier(TrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        prefetchWindow = options.PrefetchWindow;
    }

    /// <summary>Classifies one engagement.</summary>
    /// <param name="request">What the endpoint saw.</param>
    /// <param name="sentAt">When the message was sent.</param>
    /// <returns>The classification.</returns>
    public EngagementClassification Classify(EngagementRequest request, DateTimeOffset sentAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type is not (EngagementTypes.Open or EngagementTypes.Click))
        {
            return EngagementClassification.Human;
        }

        if (string.Equals(request.HttpMethod, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            return new(true, "head-request");
        }

        var agent = request.UserAgent?.Trim();
        if (string.IsNullOrEmpty(agent))
        {
            return new(true, "no-user-agent");
        }

        foreach (var scanner in ScannerAgents)
        {
            if (agent.Contains(scanner, StringComparison.OrdinalIgnoreCase))
            {
                return new(true, "mail-scanner");
            }
        }

        if (agent.Contains("GoogleImageProxy", StringComparison.OrdinalIgnoreCase))
        {
            return new(true, "gmail-image-proxy");
        }

        if (request.Type == EngagementTypes.Open && (agent == "Mozilla/5.0" || IsApple(request.RemoteAddress)))
        {
            return new(true, "apple-mail-privacy-protection");
        }

        if (request.At - sentAt <= prefetchWindow)
        {
            return new(true, "prefetch-after-delivery");
        }

        return EngagementClassification.Human;
    }

    private static bool IsApple(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // 17.0.0.0/8 has belonged to Apple since 1990; Mail Privacy Protection's preloading proxies fetch from it.
        return address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 17;
    }
}
