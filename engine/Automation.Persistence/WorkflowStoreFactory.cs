using Automation.Engine.Persistence;
using Automation.Persistence.Postgres;
using Automation.Persistence.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Automation.Persistence;

/// <summary>Creates the <see cref="IWorkflowStore"/> a configuration names.</summary>
public static class WorkflowStoreFactory
{
    /// <summary>Creates a store. Call <see cref="IWorkflowStore.MigrateAsync"/> before using it.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c> (also <c>postgresql</c>), case-insensitive.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The provider is not known.</exception>
    public static IWorkflowStore Create(string provider, string connectionString) => Create(provider, connectionString, null);

    /// <summary>Creates the workflow store with instance state encrypted at rest under a PHI key ring.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <param name="phi">The key ring; <c>null</c> stores state as plain JSON.</param>
    /// <returns>The store.</returns>
    public static IWorkflowStore Create(string provider, string connectionString, Automation.Engine.Security.PhiProtector? phi)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return IsPostgres(provider) ? new PostgresWorkflowStore(connectionString, phi) : new SqliteWorkflowStore(connectionString, phi);
    }

    /// <summary>Creates the identity store (users, API keys) for the same database. Call
    /// <see cref="Identity.IIdentityStore.MigrateAsync"/> before using it.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The provider is not known.</exception>
    public static Identity.IIdentityStore CreateIdentityStore(string provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return IsPostgres(provider) ? new PostgresIdentityStore(connectionString) : new SqliteIdentityStore(connectionString);
    }

    /// <summary>Creates the FHIR notification inbox for the same database. Call
    /// <see cref="Notifications.INotificationInbox.MigrateAsync"/> before using it.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The inbox.</returns>
    /// <exception cref="ArgumentException">The provider is not known.</exception>
    public static Notifications.INotificationInbox CreateNotificationInbox(string provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return IsPostgres(provider) ? new PostgresNotificationInbox(connectionString) : new SqliteNotificationInbox(connectionString);
    }

    /// <summary>Creates the hash-chained audit log for the same database. Call <see cref="Audit.AuditLog.MigrateAsync"/>
    /// before using it, and dispose it to flush queued appends.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <param name="timeProvider">The clock that stamps records (defaults to the system clock).</param>
    /// <returns>The log.</returns>
    /// <exception cref="ArgumentException">The provider is not known.</exception>
    public static Audit.AuditLog CreateAuditLog(string provider, string connectionString, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return IsPostgres(provider)
            ? new Audit.PostgresAuditLog(NpgsqlDataSource.Create(connectionString), ownsDataSource: true, timeProvider)
            : new Audit.SqliteAuditLog(connectionString, timeProvider);
    }

    /// <summary>
    /// Creates the PostgreSQL workflow store on a connection pool that the caller shares between all its stores and
    /// disposes itself (the server does, so one process holds at most the pool's <c>Max Pool Size</c> connections).
    /// </summary>
    /// <param name="dataSource">The shared pool; its search path selects the schema.</param>
    /// <param name="phi">The key ring for instance state at rest; <c>null</c> stores it as plain JSON.</param>
    /// <returns>The store; disposing it leaves the pool open.</returns>
    public static IWorkflowStore Create(NpgsqlDataSource dataSource, Automation.Engine.Security.PhiProtector? phi) => new PostgresWorkflowStore(dataSource, phi);

    /// <summary>Creates the PostgreSQL identity store on a shared connection pool (see <see cref="Create(NpgsqlDataSource, Engine.Security.PhiProtector?)"/>).</summary>
    /// <param name="dataSource">The shared pool.</param>
    /// <returns>The store; disposing it leaves the pool open.</returns>
    public static Identity.IIdentityStore CreateIdentityStore(NpgsqlDataSource dataSource) => new PostgresIdentityStore(dataSource);

    /// <summary>Creates the PostgreSQL notification inbox on a shared connection pool.</summary>
    /// <param name="dataSource">The shared pool.</param>
    /// <returns>The inbox; disposing it leaves the pool open.</returns>
    public static Notifications.INotificationInbox CreateNotificationInbox(NpgsqlDataSource dataSource) => new PostgresNotificationInbox(dataSource);

    /// <summary>Creates the PostgreSQL audit log on a shared connection pool.</summary>
    /// <param name="dataSource">The shared pool.</param>
    /// <param name="timeProvider">The clock that stamps records (defaults to the system clock).</param>
    /// <returns>The log; disposing it flushes queued appends and leaves the pool open.</returns>
    public static Audit.AuditLog CreateAuditLog(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null) =>
        new Audit.PostgresAuditLog(dataSource, ownsDataSource: false, timeProvider);

    /// <summary>Registers a singleton <see cref="IWorkflowStore"/> made by <see cref="Create(string, string)"/> (created on first resolve).</summary>
    /// <param name="services">The services.</param>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddWorkflowStore(this IServiceCollection services, string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _ = IsPostgres(provider); // validates now; the container creates (and disposes) the store on first resolve
        services.AddSingleton(_ => Create(provider, connectionString));
        return services;
    }

    private static bool IsPostgres(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => false,
            "postgres" or "postgresql" or "npgsql" => true,
            _ => throw new ArgumentException("Unknown workflow store provider; use 'sqlite' or 'postgres'.", nameof(provider)),
        };
    }
}
