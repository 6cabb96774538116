using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>Resumes a timer bookmark, with every other due timer (<see cref="DueTimerSweep"/>). Resuming a bookmark that
/// is gone is a no-op, so a repeat never doubles work.</summary>
internal sealed partial class ResumeTimerJob(DueTimerSweep sweep, ILogger<ResumeTimerJob> logger) : IJob
{
    public const string BookmarkIdKey = "bookmarkId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var bookmarkId = context.MergedJobDataMap.GetString(BookmarkIdKey) ?? "";
        try
        {
            LogFired(bookmarkId, await sweep.RunAsync(bookmarkId, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception, bookmarkId);
            throw new JobExecutionException(exception);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Timer {BookmarkId} fired; {Resumed} due timers resumed")]
    private partial void LogFired(string bookmarkId, int resumed);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Timer {BookmarkId} failed")]
    private partial void LogFailed(Exception exception, string bookmarkId);
}
