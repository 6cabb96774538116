using Automation.Activities.Fhir;
using Automation.Activities.Segments;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Persistence;
using Automation.Persistence;
using Automation.Server.Authentication;
using Automation.Server.Scheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace Automation.Server.Hosting;

/// <summary>Registers the server's features.</summary>
internal static class ServerServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAutomationServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestSizeLimitMiddleware.MaxBodyBytes);
        services.AddOptions<AutomationServerOptions>().BindConfiguration(AutomationServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.AddAutomationEngine();
        var patientsDirectory = Path.GetFullPath(Path.Combine(builder.Configuration["Automation:DataPath"] ?? "data", "patients"), builder.Environment.ContentRootPath);
        services.AddFhirPatientData(builder.Configuration, patientsDirectory);
        services.AddSingleton<IWorkflowStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AutomationServerOptions>>().Value;
            return WorkflowStoreFactory.Create(options.Store.Provider, StoreConnection.Resolve(options, builder.Environment));
        });
        services.AddSingleton<PluginCatalog>();
        services.AddAutomationAuthentication();
        services.AddOpenApi();
        services.AddSingleton<IWorkflowTimerScheduler, QuartzTimerScheduler>();
        services.AddSingleton<WorkflowTriggerScheduler>();
        services.AddQuartz(q => q.UseInMemoryStore());
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSegments(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AutomationServerOptions>>().Value;
            return Activities.Segments.Repository.SegmentStore.Create(options.Store.Provider, StoreConnection.Resolve(options, builder.Environment));
        });
        services.AddSingleton(provider => new Segments.SegmentPopulation(
            builder.Configuration["Fhir:Server:BaseUrl"] is { Length: > 0 } ? null : builder.Configuration["Fhir:Directory"] is { Length: > 0 } directory ? directory : patientsDirectory));
        services.AddHostedService<Segments.SegmentHostService>(); // before the workflows are published: they validate segment ids
        services.AddHostedService<WorkflowHostService>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AutomationServerOptions>>().Value;
            return WorkflowStoreFactory.CreateNotificationInbox(options.Store.Provider, StoreConnection.Resolve(options, builder.Environment));
        });
        services.AddSingleton<Fhir.NotificationSignal>();
        services.AddHostedService<Fhir.NotificationProcessor>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Ready when the store answers.</summary>
internal sealed class StoreHealthCheck(IWorkflowStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListInstancesAsync(new InstanceQuery { Take = 1 }, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The store did not answer: " + exception.GetType().Name);
        }
    }
}
