using Automation.Engine.Outbox;

namespace Automation.Server.Outbox;

/// <summary>Runs the outbox relay for the life of the server. Registered after the workflow host service, so the
/// store is migrated before the first pass.</summary>
internal sealed class OutboxRelayService(OutboxRelay relay) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => relay.RunAsync(stoppingToken);
}
