namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Creates the tracking store for a provider name, as the workflow store is chosen.</summary>
public static class TrackingStoreFactory
{
    /// <summary>Creates a store (not yet migrated).</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c> (case-insensitive).</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The provider is unknown or the connection string empty.</exception>
    public static ITrackingStore Create(string provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider?.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteTrackingStore(connectionString),
            "postgres" or "postgresql" => new PostgresTrackingStore(connectionString),
            _ => throw new ArgumentException($"Unknown store provider '{provider}': use 'sqlite' or 'postgres'.", nameof(provider)),
        };
    }
}
