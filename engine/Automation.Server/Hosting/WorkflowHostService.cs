using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Engine.Plugins;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// <summary>
/// Brings the engine up before requests are served: migrates the store and the FHIR notification inbox, loads plugins (a failing plugin is logged
/// with its path and reason and skipped), imports and publishes the sample workflows, and sets the timer wake-up for the
/// earliest stored timer, so timers that fell due while the host was down fire once now and later ones at their time.
/// </summary>
internal sealed partial class WorkflowHostService(
    IWorkflowStore store,
    Automation.Persistence.Notifications.INotificationInbox inbox,
    ActivityRegistry registry,
    WorkflowDefinitionService definitions,
    Scheduling.QuartzTimerScheduler timers,
    IOptions<AutomationServerOptions> options,
    IHostEnvironment environment,
    PluginCatalog plugins,
    Scheduling.WorkflowTriggerScheduler triggers,
    ILogger<WorkflowHostService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await inbox.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LoadPlugins();
        await ImportWorkflowsAsync(cancellationToken).ConfigureAwait(false);
        var next = await store.NextTimerDueAsync(cancellationToken).ConfigureAwait(false);
        await timers.ScheduleNextAsync(afterSweep: false, cancellationToken).ConfigureAwait(false);
        LogTimersRestored(next);
        foreach (var definition in await store.ListDefinitionsAsync(VersionOptions.Published, null, cancellationToken).ConfigureAwait(false))
        {
            await triggers.ScheduleAsync(definition, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void LoadPlugins()
    {
        var path = Path.GetFullPath(options.Value.PluginsPath, environment.ContentRootPath);
        foreach (var result in PluginLoader.LoadAll(path, registry))
        {
            plugins.Add(result);
            if (result.Succeeded)
            {
                LogPluginLoaded(result.Path, result.ActivityCount);
            }
            else
            {
                LogPluginFailed(result.Path, result.Error!);
            }
        }
    }

    private async Task ImportWorkflowsAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.WorkflowsPath))
        {
            return;
        }

        var folder = Path.GetFullPath(options.Value.WorkflowsPath, environment.ContentRootPath);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            WorkflowDefinition definition;
            try
            {
                definition = WorkflowDefinitionJson.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            }
            catch (WorkflowDefinitionFormatException exception)
            {
                LogWorkflowUnreadable(Path.GetFileName(file), exception.JsonPath);
                continue;
            }

            if (string.IsNullOrEmpty(definition.DefinitionId)
                || await store.FindDefinitionAsync(definition.DefinitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            var saved = await definitions.ImportAsync(definition.Document, publish: true, cancellationToken).ConfigureAwait(false);
            if (!saved.Succeeded)
            {
                LogWorkflowInvalid(Path.GetFileName(file), saved.Problems.Count, saved.Problems[0].ToString());
                continue;
            }

            LogWorkflowImported(definition.DefinitionId, saved.Definition!.Version);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Timer wake-up set; the earliest stored timer is due at {Next}")]
    private partial void LogTimersRestored(DateTimeOffset? next);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Plugin {Path} loaded with {Count} activities")]
    private partial void LogPluginLoaded(string path, int count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Plugin {Path} failed to load: {Reason}")]
    private partial void LogPluginFailed(string path, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Workflow file {File} is not readable JSON at {JsonPath}; skipped")]
    private partial void LogWorkflowUnreadable(string file, string jsonPath);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Workflow file {File} has {Count} problems (first: {First}); skipped")]
    private partial void LogWorkflowInvalid(string file, int count, string first);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Published workflow {DefinitionId} v{Version}")]
    private partial void LogWorkflowImported(string definitionId, int version);
}
