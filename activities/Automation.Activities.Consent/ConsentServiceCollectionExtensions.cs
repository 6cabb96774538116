using Automation.Activities.Consent.Activities;
using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Engine.Descriptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Activities.Consent;

/// <summary>Registers the consent registry and the CheckConsent activity.</summary>
public static class ConsentServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ConsentRegistry"/>, the record store <paramref name="store"/> builds, the Healthcare
    /// <c>CheckConsent</c> activity and the consent audience screen (<see cref="Audience.ConsentAudienceScreen"/>). Needs an <see cref="Automation.Engine.Audit.IAuditLog"/>, a
    /// <see cref="Automation.Engine.Audit.PatientIdHasher"/> and an
    /// <see cref="Automation.Activities.Fhir.Sources.IPatientDataSource"/> registered too. The host migrates the store
    /// (<see cref="IConsentRecordStore.MigrateAsync"/>) at start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="store">Builds the record store, e.g. with <see cref="ConsentRecordStoreFactory.Create"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddConsent(this IServiceCollection services, Func<IServiceProvider, IConsentRecordStore> store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton(new ActivityAssembly(typeof(CheckConsent).Assembly));
        services.TryAddSingleton(store);
        services.TryAddSingleton(TimeProvider.System);
        // Built by a factory so a host that registers the audit log and hasher later (or only at run time) still starts.
        services.TryAddSingleton(provider => new ConsentRegistry(
            provider.GetRequiredService<IConsentRecordStore>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Automation.Engine.Audit.IAuditLog>(), provider.GetRequiredService<Automation.Engine.Audit.PatientIdHasher>()));
        services.TryAddSingleton<Automation.Engine.Audience.IAudienceScreen>(provider => new Audience.ConsentAudienceScreen(
            provider.GetRequiredService<ConsentRegistry>(), provider.GetRequiredService<Automation.Activities.Fhir.Sources.IPatientDataSource>(),
            provider.GetRequiredService<Automation.Engine.Audit.IAuditLog>(), provider.GetRequiredService<Automation.Engine.Audit.PatientIdHasher>()));
        return services;
    }
}
