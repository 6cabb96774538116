using Npgsql;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>Picks the portal store for the server's store provider.</summary>
internal static class PortalStoreFactory
{
    /// <summary>Creates the store.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c> (case-insensitive).</param>
    /// <param name="connectionString">The connection string for that provider.</param>
    /// <exception cref="ArgumentException">The provider is neither, or the connection string is empty.</exception>
    public static IPortalStore Create(string provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return provider?.ToLowerInvariant() switch
        {
            "sqlite" => new SqlitePortalStore(connectionString),
            "postgres" or "postgresql" => new PostgresPortalStore(NpgsqlDataSource.Create(connectionString), ownsDataSource: true),
            _ => throw new ArgumentException($"Portal store provider '{provider}' is not supported; use 'sqlite' or 'postgres'.", nameof(provider)),
        };
    }

    /// <summary>Creates the store the options name: on their shared PostgreSQL pool when one is set.</summary>
    /// <param name="options">Validated portal options.</param>
    public static IPortalStore Create(PortalOptions options) =>
        options.StoreDataSource is { } shared && options.StoreProvider is "postgres" or "postgresql"
            ? new PostgresPortalStore(shared, ownsDataSource: false)
            : Create(options.StoreProvider, options.StoreConnectionString!);
}
