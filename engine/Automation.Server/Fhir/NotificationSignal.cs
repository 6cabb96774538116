namespace Automation.Server.Fhir;

/// <summary>Wakes the notification processor as soon as the endpoint has written to the inbox.</summary>
internal sealed class NotificationSignal
{
    private readonly SemaphoreSlim semaphore = new(0);

    public void Raise()
    {
        if (semaphore.CurrentCount == 0)
        {
            semaphore.Release();
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);
}
