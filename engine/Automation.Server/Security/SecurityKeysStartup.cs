namespace Automation.Server.Security;

/// <summary>Loads (and in the embedded default generates) the keys at start, so a bad setting stops the server with
/// a message naming it instead of failing the first request that needs a key.</summary>
internal sealed class SecurityKeysStartup(SecurityKeys keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = keys.ActivePhiKey;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
