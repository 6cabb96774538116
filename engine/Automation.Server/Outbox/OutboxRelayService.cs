using Automation.Engine.Outbox;

namespace Automation.Server.Outbox;

/// <summary>Runs the outbox relay for the life of the server. Registered after the workflow host service, so the
/// store is migrated before the first pass. <c>Automation:Outbox:RelayInBackground=false</c> leaves delivery to whoever
/// drives <see cref="OutboxRelay"/> themselves (a test moving a fake clock past the relay's leases would otherwise race
/// this loop for the same items).</summary>
internal sealed class OutboxRelayService(OutboxRelay relay, IConfiguration configuration) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        configuration.GetValue(OutboxServiceCollectionExtensions.Section + ":RelayInBackground", true) ? relay.RunAsync(stoppingToken) : Task.CompletedTask;
}
