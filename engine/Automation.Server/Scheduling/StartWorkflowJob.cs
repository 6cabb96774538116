using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>Starts the published version of a workflow at its schedule trigger activity.</summary>
internal sealed partial class StartWorkflowJob(IWorkflowStore store, WorkflowRuntime runtime, ILogger<StartWorkflowJob> logger) : IJob
{
    public const string DefinitionIdKey = "definitionId";
    public const string ActivityIdKey = "activityId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var definitionId = context.MergedJobDataMap.GetString(DefinitionIdKey) ?? "";
        var activityId = context.MergedJobDataMap.GetString(ActivityIdKey) ?? "";
        var definition = await store.FindDefinitionAsync(definitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false);
        if (definition is null || !definition.Root.Activities.Any(a => a.Id == activityId))
        {
            // Retracted, deleted, or the trigger was removed: stop firing.
            await context.Scheduler.DeleteJob(context.JobDetail.Key, cancellationToken).ConfigureAwait(false);
            return;
        }

        var result = await runtime.StartAsync(definition, new StartWorkflowOptions { TriggerActivityId = activityId }, cancellationToken).ConfigureAwait(false);
        LogStarted(definitionId, result.InstanceId, result.Status);
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Scheduled start of {DefinitionId}: instance {InstanceId} is {Status}")]
    private partial void LogStarted(string definitionId, string instanceId, WorkflowStatus status);
}
