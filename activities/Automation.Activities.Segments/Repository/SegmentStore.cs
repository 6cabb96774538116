using Npgsql;

namespace Automation.Activities.Segments.Repository;

/// <summary>
/// The package's own table of segment documents (<c>segment_definitions</c>), in the same database as the workflow
/// store: SQLite for the embedded default, PostgreSQL when several server nodes share one database. Documents are
/// stored as written; validation happens before a write (see <see cref="SegmentRepository"/>).
/// </summary>
public abstract class SegmentStore : IAsyncDisposable, IDisposable
{
    /// <summary>Creates the store for a provider.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c> (also <c>postgresql</c>), case-insensitive.</param>
    /// <param name="connectionString">The provider's connection string.</param>
    /// <returns>The store; call <see cref="MigrateAsync"/> before use.</returns>
    /// <exception cref="ArgumentException">The provider is not known, or the connection string is empty.</exception>
    public static SegmentStore Create(string provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return provider.ToLowerInvariant() switch
        {
            "sqlite" => new SqliteSegmentStore(connectionString),
            "postgres" or "postgresql" => new PostgresSegmentStore(NpgsqlDataSource.Create(connectionString), ownsDataSource: true),
            _ => throw new ArgumentException($"Unknown segment store provider '{provider}' (sqlite or postgres).", nameof(provider)),
        };
    }

    /// <summary>Creates a PostgreSQL store on a connection pool the caller shares with other stores and disposes.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    /// <returns>The store; call <see cref="MigrateAsync"/> before use. Disposing it leaves the pool open.</returns>
    public static SegmentStore Create(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return new PostgresSegmentStore(dataSource, ownsDataSource: false);
    }

    /// <summary>A store that keeps segments in memory only (the command line seeds it from a folder; tests use it).</summary>
    /// <returns>The store.</returns>
    public static SegmentStore InMemory() => new MemorySegmentStore();

    /// <summary>Creates the table if it does not exist.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Every stored segment, ordered by id.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The segments.</returns>
    public abstract Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>One segment.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The segment, or <c>null</c>.</returns>
    public abstract Task<StoredSegment?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a segment.</summary>
    /// <param name="segment">The segment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><c>true</c> when it was created, <c>false</c> when it replaced one.</returns>
    public abstract Task<bool> SaveAsync(StoredSegment segment, CancellationToken cancellationToken = default);

    /// <summary>Inserts a segment unless one with its id exists (seeding from files never overwrites an edit).</summary>
    /// <param name="segment">The segment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><c>true</c> when it was inserted.</returns>
    public abstract Task<bool> AddIfAbsentAsync(StoredSegment segment, CancellationToken cancellationToken = default);

    /// <summary>Deletes a segment.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><c>true</c> when it existed.</returns>
    public abstract Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Releases connections the store holds.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Releases connections the store holds.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases connections the store holds.</summary>
    /// <param name="disposing">Called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
