using Automation.Engine.Audit;
using Automation.Persistence;
using Automation.Persistence.Audit;
using Automation.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Automation.Server.Audit;

/// <summary>Registers the audit log on the server's store (SQLite or PostgreSQL), its start-up migration and the
/// daily retention purge.</summary>
internal static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddAutomationAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => !o.Validate().Any(), "Automation:Audit:Retention must be at least one day.")
            .ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            var clock = provider.GetRequiredService<TimeProvider>();
            return database.Pool is { } pool ? WorkflowStoreFactory.CreateAuditLog(pool, clock) : WorkflowStoreFactory.CreateAuditLog(database.Provider, database.ConnectionString, clock);
        });
        services.AddSingleton<IAuditLog>(provider => provider.GetRequiredService<AuditLog>());
        services.AddHostedService<AuditLogService>();
        return services;
    }
}
