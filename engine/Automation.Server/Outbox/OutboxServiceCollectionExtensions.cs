using Automation.Engine.Outbox;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Automation.Server.Outbox;

/// <summary>Registers the outbox store (the workflow store itself, which writes outbox rows in the commit
/// transaction) and hosts the relay, paced by <c>Automation:Outbox</c> (<see cref="OutboxRelayOptions"/>).</summary>
internal static class OutboxServiceCollectionExtensions
{
    public const string Section = "Automation:Outbox";

    public static IServiceCollection AddAutomationOutbox(this IServiceCollection services)
    {
        services.AddOptions<OutboxRelayOptions>().BindConfiguration(Section)
            .Validate(o => o.BatchSize > 0, "Automation:Outbox:BatchSize must be positive.")
            .Validate(o => o.Parallelism > 0, "Automation:Outbox:Parallelism must be positive.")
            .Validate(o => o.Lease > TimeSpan.Zero, "Automation:Outbox:Lease must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Automation:Outbox:PollInterval must be positive.")
            .Validate(o => o.MaxAttempts > 0, "Automation:Outbox:MaxAttempts must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<IOutboxStore>(provider => provider.GetRequiredService<IWorkflowStore>() as IOutboxStore
            ?? throw new InvalidOperationException("The configured workflow store does not keep an outbox."));
        services.TryAddSingleton(provider => new OutboxRelay(
            provider.GetRequiredService<IOutboxStore>(),
            provider.GetServices<IOutboxHandler>(),
            provider.GetRequiredService<OutboxSignal>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<OutboxRelayOptions>>().Value,
            provider.GetRequiredService<ILogger<OutboxRelay>>()));
        services.AddHostedService<OutboxRelayService>();
        return services;
    }
}
