using Automation.Engine.Execution;
using Quartz;

namespace Automation.Server.Scheduling;

/// <summary>Resumes one timer bookmark. Resuming a bookmark that is gone is a no-op, so a repeat never doubles work.</summary>
internal sealed partial class ResumeTimerJob(WorkflowRuntime runtime, ILogger<ResumeTimerJob> logger) : IJob
{
    public const string BookmarkIdKey = "bookmarkId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var bookmarkId = context.MergedJobDataMap.GetString(BookmarkIdKey) ?? "";
        try
        {
            var result = await runtime.ResumeAsync(bookmarkId, null, cancellationToken).ConfigureAwait(false);
            LogFired(bookmarkId, result?.InstanceId ?? "(gone)");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception, bookmarkId);
            throw new JobExecutionException(exception);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Timer {BookmarkId} fired for instance {InstanceId}")]
    private partial void LogFired(string bookmarkId, string instanceId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Timer {BookmarkId} failed")]
    private partial void LogFailed(Exception exception, string bookmarkId);
}
