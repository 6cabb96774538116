using System.Globalization;
using Automation.Engine.Descriptors;
using Automation.Engine.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Registers engagement tracking: instrumentation, classification, recording and WaitForEngagement.</summary>
public static class TrackingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IMessageInstrumentation"/> (as <see cref="MessageInstrumentation"/>), <see cref="TrackingTokens"/>,
    /// <see cref="EngagementClassifier"/>, <see cref="EngagementRecorder"/>, the tracking store and the
    /// <c>WaitForEngagement</c> activity. Reads <c>Automation:PublicBaseUrl</c> (default <paramref name="defaultPublicBaseUrl"/>),
    /// <c>Automation:Tracking:TokenLifetime</c> (default 400 days) and <c>Automation:Tracking:PrefetchWindow</c> (default
    /// 10 s). Needs a <see cref="SignedTokens"/> and the engine's runtime registered too; the host migrates the store.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="store">Builds the tracking store, e.g. with <see cref="TrackingStoreFactory.Create"/>.</param>
    /// <param name="defaultPublicBaseUrl">The public base URL when none is configured.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message lists every problem by setting name.</exception>
    public static IServiceCollection AddEngagementTracking(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, ITrackingStore> store, Uri? defaultPublicBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(store);
        var options = new TrackingOptions { PublicBaseUrl = defaultPublicBaseUrl };
        var problems = new List<string>();
        if (configuration["Automation:PublicBaseUrl"] is { Length: > 0 } baseUrl)
        {
            options.PublicBaseUrl = Uri.TryCreate(baseUrl, UriKind.Absolute, out var parsed) ? parsed : null;
        }

        ReadSpan(configuration, "Automation:Tracking:TokenLifetime", value => options.TokenLifetime = value, problems);
        ReadSpan(configuration, "Automation:Tracking:PrefetchWindow", value => options.PrefetchWindow = value, problems);
        problems.AddRange(options.Validate());
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Engagement tracking is misconfigured: " + string.Join(" ", problems));
        }

        services.AddSingleton(new ActivityAssembly(typeof(WaitForEngagement).Assembly));
        services.TryAddSingleton(options);
        services.TryAddSingleton(store);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new TrackingTokens(provider.GetRequiredService<SignedTokens>(), options.TokenLifetime));
        services.TryAddSingleton<EngagementClassifier>();
        services.TryAddSingleton<EngagementRecorder>();
        services.TryAddSingleton<IMessageInstrumentation, MessageInstrumentation>();
        return services;
    }

    private static void ReadSpan(IConfiguration configuration, string key, Action<TimeSpan> set, List<string> problems)
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            set(value);
        }
        else
        {
            problems.Add($"{key} must be a time span such as 400.00:00:00 (was '{text}').");
        }
    }
}
