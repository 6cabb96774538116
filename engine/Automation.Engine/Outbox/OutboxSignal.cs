namespace Automation.Engine.Outbox;

/// <summary>Wakes the outbox relay as soon as a commit queued messages, instead of waiting for its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    /// <summary>Signals that messages are waiting. Signals while one is pending coalesce.</summary>
    public void Pulse()
    {
        try
        {
            if (semaphore.CurrentCount == 0)
            {
                semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another thread pulsed in between; one pending signal is enough.
        }
    }

    /// <summary>Waits for a signal or the timeout.</summary>
    /// <param name="timeout">The longest wait (the relay's poll interval).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether a signal arrived.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);
}
