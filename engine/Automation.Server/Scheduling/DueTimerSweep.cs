using Automation.Engine.Execution;

namespace Automation.Server.Scheduling;

/// <summary>
/// Resumes due timers a batch at a time (<see cref="WorkflowRuntime.ResumeDueTimersAsync"/>: one commit per 500
/// instances instead of a lock, a read and a commit each). Sweeps queue here, one at a time, so no two timer resumes in
/// this process race each other over an instance.
/// </summary>
internal sealed class DueTimerSweep(WorkflowRuntime runtime)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Resumes every timer due now.</summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many timers this call resumed.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await runtime.ResumeDueTimersAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
