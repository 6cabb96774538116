using Microsoft.Extensions.Options;
using Npgsql;

namespace Automation.Server.Hosting;

/// <summary>
/// The server's database: its provider, its connection string (<see cref="StoreConnection"/>) and, on PostgreSQL, the
/// one connection pool all of the server's stores share. With a pool per store (workflow, audit, consent, tracking,
/// segments, recipients, portal, identity, notification inbox) the process could hold nine times the connection
/// string's <c>Max Pool Size</c> connections, past PostgreSQL's default of 100; shared, it holds at most that many.
/// </summary>
internal sealed class ServerDatabase : IAsyncDisposable
{
    public ServerDatabase(IOptions<AutomationServerOptions> options, IHostEnvironment environment)
    {
        Provider = options.Value.Store.Provider;
        ConnectionString = StoreConnection.Resolve(options.Value, environment);
        Pool = Provider.Trim().ToLowerInvariant() is "postgres" or "postgresql" ? NpgsqlDataSource.Create(ConnectionString) : null;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The shared PostgreSQL pool; <c>null</c> on SQLite (each store opens the file itself).</summary>
    public NpgsqlDataSource? Pool { get; }

    /// <summary>Closes the pool: the container disposes this after the stores created on it.</summary>
    public ValueTask DisposeAsync() => Pool?.DisposeAsync() ?? ValueTask.CompletedTask;
}
