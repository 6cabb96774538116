using Automation.Engine.Bookmarks;
using Automation.Engine.Execution;
using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>Fires workflow timers (Delay, Timer, Cron, StartAt bookmarks) with Quartz.NET, one job per bookmark.</summary>
internal sealed class QuartzTimerScheduler(ISchedulerFactory schedulerFactory) : IWorkflowTimerScheduler
{
    public const string Group = "workflow-timers";

    public async Task ScheduleAsync(Bookmark timer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var key = new JobKey(timer.Id, Group);
        if (await scheduler.GetJobDetail(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var job = JobBuilder.Create<ResumeTimerJob>()
            .WithIdentity(key)
            .UsingJobData(ResumeTimerJob.BookmarkIdKey, timer.Id)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(timer.Id, Group)
            .StartAt(timer.ResumeAt ?? DateTimeOffset.UtcNow)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, default, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Scheduled concurrently by the start-up catch-up; the bookmark fires once either way.
        }
    }
}
