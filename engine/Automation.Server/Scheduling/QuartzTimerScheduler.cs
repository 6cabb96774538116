using Automation.Engine.Bookmarks;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>
/// Fires workflow timers (Delay, Timer, Cron, StartAt bookmarks) with one Quartz trigger set for the earliest timer due:
/// the store holds the timers, Quartz one wake-up whatever their number (a job per timer kept a million triggers in
/// memory for a million waiting instances). When the wake-up fires, <see cref="TimerSweepJob"/> resumes every due timer
/// and sets the next wake-up for the earliest timer the store still holds. <see cref="TimerPollService"/> brings the
/// wake-up forward for timers other nodes stored.
/// </summary>
internal sealed partial class QuartzTimerScheduler(ISchedulerFactory schedulerFactory, IWorkflowStore store, TimeProvider clock, ILogger<QuartzTimerScheduler> logger)
    : IWorkflowTimerScheduler
{
    public const string Group = "workflow-timers";

    /// <summary>How long a sweep waits before trying again a timer that is due but was not resumed (its sweep failed).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    public static readonly JobKey SweepJob = new("sweep", Group);

    private readonly SemaphoreSlim gate = new(1, 1);
    private (TriggerKey Key, DateTimeOffset At)? wakeUp;

    /// <inheritdoc />
    public Task ScheduleAsync(Bookmark timer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return WakeUpByAsync(timer.ResumeAt ?? clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>Makes sure a sweep runs at <paramref name="at"/> or earlier.</summary>
    /// <param name="at">When a timer falls due.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task WakeUpByAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (wakeUp is { } current && current.At <= at)
            {
                return;
            }

            // A new trigger, then the old one removed: a trigger rescheduled while its job runs could be deleted by
            // Quartz when that run completes.
            var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
            var key = new TriggerKey(Guid.NewGuid().ToString("N"), Group);
            var trigger = TriggerBuilder.Create()
                .WithIdentity(key)
                .ForJob(SweepJob)
                .StartAt(at)
                .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await scheduler.ScheduleJob(trigger, default, cancellationToken).ConfigureAwait(false);
            if (wakeUp is { } replaced)
            {
                await scheduler.UnscheduleJob(replaced.Key, cancellationToken).ConfigureAwait(false);
            }

            wakeUp = (key, at);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Called as a wake-up fires, before its sweep: timers scheduled from now on need a wake-up of their own.</summary>
    /// <param name="fired">The trigger that fired.</param>
    /// <returns>A task.</returns>
    public async Task FiredAsync(TriggerKey fired)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (wakeUp is { } current && current.Key.Equals(fired))
            {
                wakeUp = null;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sets the wake-up for the earliest timer the store holds. After a sweep, a timer still due was not
    /// resumed (the sweep failed, e.g. the database is down): it is tried again after <see cref="RetryDelay"/>, not at
    /// once, and so is everything when the store cannot be read.</summary>
    /// <param name="afterSweep"><c>false</c> at start-up: timers that fell due while the host was down fire at once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task ScheduleNextAsync(bool afterSweep, CancellationToken cancellationToken)
    {
        var retry = clock.GetUtcNow() + RetryDelay;
        DateTimeOffset? next;
        try
        {
            next = await store.NextTimerDueAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNextUnknown(exception);
            next = retry;
        }

        if (next is { } due)
        {
            await WakeUpByAsync(due > clock.GetUtcNow() || !afterSweep ? due : retry, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The next timer due could not be read; sweeping again shortly")]
    private partial void LogNextUnknown(Exception exception);
}
