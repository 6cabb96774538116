using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Server.Scheduling;

/// <summary>
/// Resumes due timers a batch at a time (<see cref="WorkflowRuntime.ResumeDueTimersAsync"/>: one commit per 500
/// instances instead of a lock, a read and a commit each). Timer jobs that fire together queue here, one sweep at a
/// time, so no two timer resumes in this process race each other over an instance; a job whose timer an earlier sweep
/// already took finds it gone and is done.
/// </summary>
internal sealed class DueTimerSweep(WorkflowRuntime runtime, IWorkflowStore store)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Makes sure the timer has been resumed, sweeping every due timer along with it.</summary>
    /// <param name="bookmarkId">The timer that fired, or <c>null</c> to sweep only.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many timers this call resumed.</returns>
    public async Task<int> RunAsync(string? bookmarkId, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (bookmarkId is not null && await store.GetBookmarkAsync(bookmarkId, cancellationToken).ConfigureAwait(false) is null)
            {
                return 0;
            }

            var resumed = await runtime.ResumeDueTimersAsync(cancellationToken).ConfigureAwait(false);

            // A timer the store does not count as due yet (its scheduler fired a moment early) is resumed on its own.
            if (bookmarkId is not null && await runtime.ResumeAsync(bookmarkId, null, cancellationToken).ConfigureAwait(false) is not null)
            {
                resumed++;
            }

            return resumed;
        }
        finally
        {
            gate.Release();
        }
    }
}
