namespace Automation.Activities.Consent.Records;

/// <summary>Creates the consent record store for a provider name, as the workflow store is chosen.</summary>
public static class ConsentRecordStoreFactory
{
    /// <summary>Creates a store (not yet migrated).</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c> (case-insensitive).</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The provider is unknown or the connection string empty.</exception>
    public static IConsentRecordStore Create(string provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider?.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteConsentRecordStore(connectionString),
            "postgres" or "postgresql" => new PostgresConsentRecordStore(connectionString),
            _ => throw new ArgumentException($"Unknown store provider '{provider}': use 'sqlite' or 'postgres'.", nameof(provider)),
        };
    }
}
