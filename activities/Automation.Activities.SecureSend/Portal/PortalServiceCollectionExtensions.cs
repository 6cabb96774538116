using Automation.Engine.Audit;
using Automation.Engine.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>Registers the encrypted pickup portal.</summary>
public static class PortalServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PortalMailbox"/> (also as <see cref="IPortalMailbox"/>), <see cref="PortalPickup"/>, the portal
    /// store and, unless one is registered, the SMTP <see cref="IPortalCodeSender"/>. Settings come from
    /// <see cref="PortalOptions.FromConfiguration"/>, then <paramref name="configure"/> (which must set the store).
    /// The host registers <see cref="SignedTokens"/>, <see cref="PhiProtector"/>, <see cref="PatientIdHasher"/>,
    /// <see cref="IAuditLog"/> and <see cref="IPatientBirthDates"/>. Invalid settings fail when the portal is first
    /// resolved, with every problem listed.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Completes the options (store provider and connection string).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration, Action<IServiceProvider, PortalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var options = PortalOptions.FromConfiguration(configuration);
            configure?.Invoke(provider, options);
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                throw new InvalidOperationException("The portal settings are invalid: " + string.Join(" ", problems));
            }

            return options;
        });
        services.TryAddSingleton<IPortalStore>(provider =>
        {
            var options = provider.GetRequiredService<PortalOptions>();
            return PortalStoreFactory.Create(options);
        });
        services.TryAddSingleton(provider => new PortalSealer(provider.GetRequiredService<PhiProtector>()));
        services.TryAddSingleton(provider => new PortalAuditor(provider.GetRequiredService<IAuditLog>(), provider.GetRequiredService<PatientIdHasher>()));
        services.TryAddSingleton<IPortalCodeSender>(provider => new SmtpPortalCodeSender(provider.GetRequiredService<PortalOptions>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new PortalMailbox(
            provider.GetRequiredService<IPortalStore>(),
            provider.GetRequiredService<PortalSealer>(),
            provider.GetRequiredService<SignedTokens>(),
            provider.GetRequiredService<PortalAuditor>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<PortalOptions>()));
        services.TryAddSingleton<IPortalMailbox>(provider => provider.GetRequiredService<PortalMailbox>());
        services.TryAddSingleton(provider => new PortalPickup(
            provider.GetRequiredService<IPortalStore>(),
            provider.GetRequiredService<PortalSealer>(),
            provider.GetRequiredService<SignedTokens>(),
            provider.GetRequiredService<PortalAuditor>(),
            provider.GetRequiredService<IPatientBirthDates>(),
            provider.GetRequiredService<IPortalCodeSender>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<PortalOptions>(),
            provider.GetService<ILogger<PortalPickup>>() ?? NullLogger<PortalPickup>.Instance));
        return services;
    }
}
