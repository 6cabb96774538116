using Automation.Engine.Security;
using Automation.Activities.Fhir;
using Automation.Activities.SecureSend;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.Segments;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Persistence;
using Automation.Persistence;
using Automation.Server.Audit;
using Automation.Server.Authentication;
using Automation.Server.Outbox;
using Automation.Server.Scheduling;
using Automation.Server.Security;
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
        services.AddSingleton<ServerDatabase>();
        services.AddSingleton<IWorkflowStore>(provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            // Instance state carries what activities output (patient contexts), so it is encrypted at rest.
            var phi = provider.GetRequiredService<PhiProtector>();
            return database.Pool is { } pool ? WorkflowStoreFactory.Create(pool, phi) : WorkflowStoreFactory.Create(database.Provider, database.ConnectionString, phi);
        });
        services.AddSingleton(provider =>
        {
            // The recipient directory lives in the server's database unless SecureSend:Directory names another.
            var database = provider.GetRequiredService<ServerDatabase>();
            var directory = builder.Configuration.GetSection("SecureSend:Directory");
            var store = directory["Provider"] is { Length: > 0 } provider2 && directory["ConnectionString"] is { Length: > 0 } connection
                ? RecipientStore.Create(provider2, connection)
                : database.Pool is { } pool ? RecipientStore.Create(pool) : RecipientStore.Create(database.Provider, database.ConnectionString);
            store.MigrateAsync().GetAwaiter().GetResult();
            return store;
        });
        Demo.DemoOptions.PointSecureSendAtTheCapture(builder.Configuration);
        services.AddSecureSend(builder.Configuration);
        services.AddSingleton<PluginCatalog>();
        services.AddSingleton<Reports.JourneyReportBuilder>();
        services.AddOptions<Demo.DemoOptions>().BindConfiguration(Demo.DemoOptions.Section);
        services.AddSingleton<Demo.DemoMailbox>();
        services.AddSingleton<Demo.DemoRecipientKeys>();
        services.AddHostedService<Demo.DemoBootstrapService>();
        services.AddAutomationAuthentication();
        services.AddOpenApi();
        services.AddOptions<TimerOptions>().BindConfiguration(TimerOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Automation:Timers:PollInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<QuartzTimerScheduler>();
        services.AddHostedService<TimerPollService>();
        services.AddSingleton<IWorkflowTimerScheduler>(provider => provider.GetRequiredService<QuartzTimerScheduler>());
        services.AddSingleton<DueTimerSweep>();
        services.AddSingleton<WorkflowTriggerScheduler>();
        services.AddSingleton<Journeys.AppointmentSweep>();
        services.AddSingleton<Journeys.AudienceService>();
        var sweepCron = builder.Configuration["Automation:Journeys:AppointmentSweepCron"] is { Length: > 0 } cron ? cron : "0 0 6 * * ?";
        services.AddQuartz(q =>
        {
            q.UseInMemoryStore();
            q.AddJob<TimerSweepJob>(j => j.WithIdentity(QuartzTimerScheduler.SweepJob).StoreDurably());
            q.AddJob<Journeys.AppointmentSweepJob>(j => j.WithIdentity(Journeys.AppointmentSweepJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(Journeys.AppointmentSweepJob.Key).WithIdentity("appointment-sweep-daily", "journeys")
                .WithCronSchedule(sweepCron, c => c.InTimeZone(TimeZoneInfo.Utc)));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSecurityKeys();
        services.AddDatabaseKeyRing();
        services.AddAutomationAudit();
        services.AddSegments(provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            return database.Pool is { } pool
                ? Activities.Segments.Repository.SegmentStore.Create(pool)
                : Activities.Segments.Repository.SegmentStore.Create(database.Provider, database.ConnectionString);
        });
        services.AddSingleton(provider => new Segments.SegmentPopulation(PopulationDirectory(builder.Configuration, patientsDirectory)));
        services.AddHostedService<Segments.SegmentHostService>(); // before the workflows are published: they validate segment ids
        services.AddHostedService<WorkflowHostService>();
        services.AddAutomationOutbox();
        services.AddHostedService<Journeys.JourneyStartupService>();
        services.AddSingleton(provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            return database.Pool is { } pool ? WorkflowStoreFactory.CreateNotificationInbox(pool) : WorkflowStoreFactory.CreateNotificationInbox(database.Provider, database.ConnectionString);
        });
        services.AddSingleton<Fhir.NotificationSignal>();
        services.AddSingleton<Fhir.NotificationIntake>();
        services.AddHostedService<Fhir.NotificationProcessor>();
        services.AddHostedService<Fhir.PatientIndexWarmUp>(); // after the demo bootstrap, which writes the patients
        builder.AddConsentAndEngagement();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// The NDJSON population that audience counts, previews and entries run over: the patient directory
    /// (<c>Fhir:Directory</c>, default <c>&lt;DataPath&gt;/patients</c>); when patients come from a FHIR server, a bulk
    /// export of that server's patients (<c>Fhir:PopulationExport</c>) if one is configured, else none.
    /// </summary>
    private static string? PopulationDirectory(IConfiguration configuration, string patientsDirectory) =>
        configuration["Fhir:Server:BaseUrl"] is { Length: > 0 }
            ? configuration["Fhir:PopulationExport"] is { Length: > 0 } export ? export : null
            : configuration["Fhir:Directory"] is { Length: > 0 } directory ? directory : patientsDirectory;
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
