using Automation.Engine.Activities.Core;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>
/// Starts published workflows whose first activity is <c>Elsa.Timer</c>, <c>Elsa.Cron</c> or <c>Elsa.StartAt</c>:
/// one Quartz job per (definition, trigger activity), replaced when the definition is scheduled again.
/// </summary>
internal sealed partial class WorkflowTriggerScheduler(ISchedulerFactory schedulerFactory, WorkflowInvoker invoker, ILogger<WorkflowTriggerScheduler> logger)
{
    public const string Group = "workflow-triggers";

    /// <summary>Schedules (or reschedules) every schedule trigger of a published definition.</summary>
    public async Task ScheduleAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<WorkflowTrigger> triggers;
        try
        {
            triggers = invoker.GetTriggers(definition);
        }
        catch (WorkflowValidationException)
        {
            return;
        }

        foreach (var trigger in triggers)
        {
            if (trigger.Payload is not ScheduleTrigger schedule || Build(schedule, trigger) is not { } quartzTrigger)
            {
                continue;
            }

            var job = JobBuilder.Create<StartWorkflowJob>()
                .WithIdentity(quartzTrigger.JobKey)
                .UsingJobData(StartWorkflowJob.DefinitionIdKey, trigger.DefinitionId)
                .UsingJobData(StartWorkflowJob.ActivityIdKey, trigger.ActivityId)
                .Build();
            await scheduler.DeleteJob(quartzTrigger.JobKey, cancellationToken).ConfigureAwait(false);
            try
            {
                await scheduler.ScheduleJob(job, quartzTrigger, default, cancellationToken).ConfigureAwait(false);
                LogScheduled(trigger.DefinitionId, trigger.ActivityId, trigger.ActivityType);
            }
            catch (SchedulerException exception)
            {
                // For example a schedule with no future occurrence: the definition stays published, it just never starts.
                LogNotScheduled(trigger.DefinitionId, trigger.ActivityId, exception.GetType().Name);
            }
        }
    }

    private static ITrigger? Build(ScheduleTrigger schedule, WorkflowTrigger trigger)
    {
        var key = trigger.DefinitionId + ":" + trigger.ActivityId;
        var builder = TriggerBuilder.Create().WithIdentity(key, Group).ForJob(new JobKey(key, Group));
        if (schedule.CronExpression is { } cron)
        {
            return builder.WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc)).Build();
        }

        if (schedule.Interval is { } interval)
        {
            return builder.StartAt(DateTimeOffset.UtcNow + interval).WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()).Build();
        }

        if (schedule.At is { } at && at > DateTimeOffset.UtcNow)
        {
            return builder.StartAt(at).Build();
        }

        return null;
    }

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Workflow {DefinitionId} trigger {ActivityId} could not be scheduled ({Reason})")]
    private partial void LogNotScheduled(string definitionId, string activityId, string reason);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Workflow {DefinitionId} starts on its {ActivityType} trigger {ActivityId}")]
    private partial void LogScheduled(string definitionId, string activityId, string activityType);
}
