using Automation.Engine.Bookmarks;

namespace Automation.Engine.Execution;

/// <summary>
/// Told about every committed timer (a bookmark with a due time) so it can resume it at that time through
/// <see cref="WorkflowRuntime.ResumeAsync"/>. The server implements it with Quartz.NET; without one, timers wait in
/// the store until a host with a scheduler starts.
/// </summary>
public interface IWorkflowTimerScheduler
{
    /// <summary>Schedules a timer. Scheduling the same bookmark twice must fire it at most once.</summary>
    /// <param name="timer">The bookmark; <see cref="Bookmark.ResumeAt"/> is set.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task ScheduleAsync(Bookmark timer, CancellationToken cancellationToken = default);
}
