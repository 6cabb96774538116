using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>The timer wake-up (<see cref="QuartzTimerScheduler"/>): resumes every due timer, then sets the next wake-up,
/// also when the sweep failed.</summary>
internal sealed partial class TimerSweepJob(DueTimerSweep sweep, QuartzTimerScheduler timers, ILogger<TimerSweepJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await timers.FiredAsync(context.Trigger.Key).ConfigureAwait(false);
        try
        {
            LogSwept(await sweep.RunAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception);
        }
        finally
        {
            await timers.ScheduleNextAsync(afterSweep: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Timer sweep resumed {Resumed} due timers")]
    private partial void LogSwept(int resumed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Timer sweep failed; the next wake-up retries")]
    private partial void LogFailed(Exception exception);
}
