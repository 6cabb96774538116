using Automation.Engine.Audit;
using Automation.Engine.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Server.Security;

/// <summary>Registers <see cref="SignedTokens"/>, <see cref="PatientIdHasher"/> and <see cref="PhiProtector"/> with
/// their keys from configuration, or from key files generated once in the data folder.</summary>
internal static class SecurityKeysServiceCollectionExtensions
{
    public const string EmbeddedPhiKeyId = "local-1";

    public static IServiceCollection AddSecurityKeys(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);
        services.TryAddSingleton<SecurityKeys>();
        services.AddHostedService<SecurityKeysStartup>();
        services.TryAddSingleton(provider => new SignedTokens(provider.GetRequiredService<SecurityKeys>().TokenKey, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new PatientIdHasher(provider.GetRequiredService<SecurityKeys>().PatientHashKey));
        services.TryAddSingleton(provider =>
        {
            var keys = provider.GetRequiredService<SecurityKeys>();
            return new PhiProtector(keys.PhiKeys, keys.ActivePhiKey);
        });
        return services;
    }
}
