using System.Data.Common;
using Automation.Activities.SecureSend.Portal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Activities.SecureSend.Tests.Portal;

/// <summary>A portal database for one test class: its store and raw SQL access to check what is really stored.</summary>
public abstract class PortalDatabase : IAsyncLifetime
{
    internal abstract IPortalStore Store { get; }

    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Runs raw SQL returning one row (BLOB/BYTEA columns as byte arrays, TEXT as strings).</summary>
    public async Task<IReadOnlyList<object?>> ReadRawAsync(string sql, string messageId)
    {
        await using var connection = await OpenRawAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = messageId;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no row for " + messageId);
        return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToList();
    }

    protected abstract Task<DbConnection> OpenRawAsync();
}

public sealed class SqlitePortalDatabase : PortalDatabase
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "automation-portal-tests", Guid.NewGuid().ToString("N"));
    private IPortalStore? store;

    internal override IPortalStore Store => store!;

    public override string Provider => "sqlite";

    public override string ConnectionString => $"Data Source={Path.Combine(folder, "portal.db")}";

    public override Task InitializeAsync()
    {
        store = PortalStoreFactory.Create(Provider, ConnectionString);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return Task.CompletedTask;
    }

    protected override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

/// <summary>PostgreSQL in a schema of its own, dropped afterwards. Fails (never skips) when PostgreSQL is unreachable.</summary>
public sealed class PostgresPortalDatabase : PortalDatabase
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

    private readonly string schema = "portal_" + Guid.NewGuid().ToString("N");
    private readonly string baseConnectionString =
        Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    private IPortalStore? store;

    internal override IPortalStore Store => store!;

    public override string Provider => "postgres";

    public override string ConnectionString => new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema }.ConnectionString;

    public override async Task InitializeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(baseConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            var target = new NpgsqlConnectionStringBuilder(baseConnectionString);
            throw new InvalidOperationException(
                $"PostgreSQL is required for these tests but is not reachable at Host={target.Host};Port={target.Port};Database={target.Database} " +
                $"(set AUTOMATION_TEST_POSTGRES to another connection string). {exception.GetType().Name}: {exception.Message}", exception);
        }

        store = PortalStoreFactory.Create(Provider, ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    protected override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
