using Automation.Engine.Definitions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Server.Elsa;

/// <summary>Registers what the Elsa API needs beyond the engine and store.</summary>
public static class ElsaApiServiceCollectionExtensions
{
    /// <summary>Adds the definition versioning service and authorization (the policies themselves are registered
    /// with authentication).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddElsaApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<WorkflowDefinitionService>();
        services.AddAuthorization();
        return services;
    }
}
