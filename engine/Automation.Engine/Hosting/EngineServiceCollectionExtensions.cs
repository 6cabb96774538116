using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Automation.Engine.Hosting;

/// <summary>Registers the engine.</summary>
public static class EngineServiceCollectionExtensions
{
    /// <summary>Adds the activity registry (core activities), compiler, invoker and runtime. A store
    /// (<see cref="Persistence.IWorkflowStore"/>) must be registered too for the runtime.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts engine options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAutomationEngine(this IServiceCollection services, Action<WorkflowEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new WorkflowEngineOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IdGenerator>();
        services.TryAddSingleton(_ => new WorkflowConsole());
        services.TryAddSingleton<ActivityRegistry>();
        services.TryAddSingleton<WorkflowCompiler>();
        services.TryAddSingleton<WorkflowInvoker>();
        services.TryAddSingleton<WorkflowRuntime>();
        services.TryAddSingleton<Audience.AudienceEntry>();
        services.TryAddSingleton<Outbox.OutboxSignal>();
        services.TryAddSingleton<Definitions.WorkflowDefinitionService>();
        return services;
    }
}
