using Automation.Activities.Segments.Activities;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Descriptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Activities.Segments;

/// <summary>Registers the segment activities and the segment repository.</summary>
public static class SegmentsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>Healthcare.EvaluateSegment</c> and <c>Healthcare.ChooseSegment</c> and a singleton
    /// <see cref="SegmentRepository"/> over <see cref="SegmentStore.Create(string, string)"/>(<paramref name="provider"/>,
    /// <paramref name="connectionString"/>). Call <see cref="SegmentRepository.InitializeAsync"/> at start (the server's
    /// host service does) to create the table, seed it from <c>workflows/segments</c> and load the catalogue.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSegments(this IServiceCollection services, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSegments(_ => SegmentStore.Create(provider, connectionString));
    }

    /// <summary>Adds the segment activities and a repository over the store a factory creates (on first resolve).</summary>
    /// <param name="services">The services.</param>
    /// <param name="storeFactory">Creates the store.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSegments(this IServiceCollection services, Func<IServiceProvider, SegmentStore> storeFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(storeFactory);
        services.AddSingleton(new ActivityAssembly(typeof(EvaluateSegment).Assembly));
        services.TryAddSingleton(storeFactory);
        services.TryAddSingleton(provider => new SegmentRepository(provider.GetRequiredService<SegmentStore>(), provider.GetService<TimeProvider>()));
        return services;
    }
}
