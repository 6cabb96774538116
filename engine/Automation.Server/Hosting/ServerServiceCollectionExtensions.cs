using Automation.Activities.Fhir;
using Automation.Activities.SecureSend;
using Automation.Activities.SecureSend.Directory;
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
        services.AddFhirPatientData(builder.Configuration, Path.GetFullPath(
            Path.Combine(builder.Configuration["Automation:DataPath"] ?? "data", "patients"), builder.Environment.ContentRootPath));
        services.AddSingleton<IWorkflowStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AutomationServerOptions>>().Value;
            return WorkflowStoreFactory.Create(options.Store.Provider, StoreConnection.Resolve(options, builder.Environment));
        });
        services.AddSingleton(provider =>
        {
            // The recipient directory lives in the server's database unless SecureSend:Directory names another.
            var options = provider.GetRequiredService<IOptions<AutomationServerOptions>>().Value;
            var directory = builder.Configuration.GetSection("SecureSend:Directory");
            var store = directory["Provider"] is { Length: > 0 } provider2 && directory["ConnectionString"] is { Length: > 0 } connection
                ? RecipientStore.Create(provider2, connection)
                : RecipientStore.Create(options.Store.Provider, StoreConnection.Resolve(options, builder.Environment));
            store.MigrateAsync().GetAwaiter().GetResult();
            return store;
        });
        services.AddSecureSend(builder.Configuration);
        services.AddSingleton<PluginCatalog>();
        services.AddAutomationAuthentication();
        services.AddOpenApi();
        services.AddSingleton<IWorkflowTimerScheduler, QuartzTimerScheduler>();
        services.AddSingleton<WorkflowTriggerScheduler>();
        services.AddQuartz(q => q.UseInMemoryStore());
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
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
