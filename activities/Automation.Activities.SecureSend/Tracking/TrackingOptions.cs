namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Engagement tracking settings (section <c>Automation</c>: <c>Automation:PublicBaseUrl</c>,
/// <c>Automation:Tracking:TokenLifetime</c>, <c>Automation:Tracking:PrefetchWindow</c>).</summary>
public sealed class TrackingOptions
{
    /// <summary>The public address of the server the pixel, click, unsubscribe and preference links point at
    /// (<c>Automation:PublicBaseUrl</c>, e.g. <c>https://engage.example.org</c>). Required, absolute http or https.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long tracking, unsubscribe and preference links stay valid. Default 400 days (unsubscribe links must
    /// keep working well beyond the 30 days CAN-SPAM requires).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Opens and clicks this soon after sending are mail-scanner prefetches, not people. Default 10 seconds.</summary>
    public TimeSpan PrefetchWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the options and returns every problem, each naming its setting.</summary>
    /// <returns>The problems; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PublicBaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add("Automation:PublicBaseUrl must be an absolute http or https URL (the address recipients reach the server at).");
        }

        if (TokenLifetime < TimeSpan.FromDays(30))
        {
            problems.Add("Automation:Tracking:TokenLifetime must be at least 30 days (unsubscribe links must keep working).");
        }

        if (PrefetchWindow < TimeSpan.Zero || PrefetchWindow > TimeSpan.FromMinutes(10))
        {
            problems.Add("Automation:Tracking:PrefetchWindow must be between 0 and 10 minutes.");
        }

        return problems;
    }

    /// <summary>The base URL without a trailing slash.</summary>
    internal string BaseUrl => PublicBaseUrl!.AbsoluteUri.TrimEnd('/');
}
