using Automation.Activities.Fhir.Activities;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Descriptors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Activities.Fhir;

/// <summary>Registers the FHIR activities and their patient data source.</summary>
public static class FhirServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Healthcare FHIR activities and an <see cref="IPatientDataSource"/>: a FHIR server when
    /// <c>Fhir:Server:BaseUrl</c> is set (with <c>Fhir:Server:BearerToken</c>, or SMART Backend Services under
    /// <c>Fhir:Server:Smart</c>: TokenEndpoint, ClientId, PrivateKeyPem or PrivateKeyFile, KeyId, Scope), otherwise the NDJSON directory
    /// <c>Fhir:Directory</c> (default <paramref name="defaultDirectory"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="defaultDirectory">The NDJSON directory when none is configured.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddFhirPatientData(this IServiceCollection services, IConfiguration configuration, string defaultDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(new ActivityAssembly(typeof(FetchPatient).Assembly));
        services.TryAddSingleton(provider => new FhirRunCache(provider.GetService<TimeProvider>()));
        services.TryAddSingleton<IPatientDataSource>(provider =>
        {
            var server = configuration.GetSection("Fhir:Server");
            if (Uri.TryCreate(server["BaseUrl"], UriKind.Absolute, out var baseUrl))
            {
                var smart = server.GetSection("Smart");
                var keyPem = smart["PrivateKeyPem"] ?? (smart["PrivateKeyFile"] is { Length: > 0 } file ? File.ReadAllText(file) : null);
                return new FhirServerPatientDataSource(
                    new FhirServerOptions
                    {
                        BaseUrl = baseUrl,
                        BearerToken = server["BearerToken"],
                        Smart = Uri.TryCreate(smart["TokenEndpoint"], UriKind.Absolute, out var tokenEndpoint) && smart["ClientId"] is { Length: > 0 } clientId && keyPem is not null
                            ? new SmartBackendOptions { TokenEndpoint = tokenEndpoint, ClientId = clientId, PrivateKeyPem = keyPem, KeyId = smart["KeyId"], Scope = smart["Scope"] ?? "system/*.read" }
                            : null,
                    },
                    provider.GetService<TimeProvider>());
            }

            return new NdjsonPatientDataSource(configuration["Fhir:Directory"] is { Length: > 0 } directory ? directory : defaultDirectory);
        });
        return services;
    }
}
