using Microsoft.Extensions.Options;

namespace Automation.Server.Scheduling;

/// <summary>
/// Looks at the store's earliest timer every <see cref="TimerOptions.PollInterval"/> and brings this node's wake-up
/// forward to it. A node sets its wake-up from the timers it stores and from what the store holds after each sweep, so
/// without the poll a timer stored by another node (one that then stopped, say) would wait for this node's next wake-up,
/// or for ever when this node has none. Two nodes resuming the same timer is safe: the batch commit is optimistic and the
/// loser finds the timer consumed.
/// </summary>
internal sealed partial class TimerPollService(QuartzTimerScheduler timers, IOptions<TimerOptions> options, TimeProvider clock, ILogger<TimerPollService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var poll = new PeriodicTimer(options.Value.PollInterval, clock);
        while (await poll.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                // As at start-up: a timer already due fires at once; the store being unreadable is retried shortly.
                await timers.ScheduleNextAsync(afterSweep: false, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPollFailed(exception);
            }
        }
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "The timer poll could not set the wake-up; it tries again at the next poll")]
    private partial void LogPollFailed(Exception exception);
}
