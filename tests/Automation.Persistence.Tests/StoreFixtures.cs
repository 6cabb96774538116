using Automation.Engine.Persistence;
using Automation.Persistence.Postgres;
using Automation.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Persistence.Tests;

/// <summary>A migrated SQLite store on a temporary file (in a folder the store must create), one per test class.</summary>
public sealed class SqliteStoreFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "automation-store-tests", Guid.NewGuid().ToString("N"));

    public IWorkflowStore Store { get; private set; } = null!;

    public string ConnectionString => $"Data Source={Path.Combine(_folder, "nested", "automation.db")}";

    public async Task InitializeAsync()
    {
        Store = new SqliteWorkflowStore(ConnectionString);
        await Store.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return Task.CompletedTask;
    }
}

/// <summary>A migrated PostgreSQL store in its own schema, one per test class; the schema is dropped afterwards.
/// PostgreSQL must be reachable (AUTOMATION_TEST_POSTGRES): these tests fail, never skip, without it.</summary>
public sealed class PostgresStoreFixture : IAsyncLifetime
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

    private readonly string _schema = "test_" + Guid.NewGuid().ToString("N");
    private readonly string _baseConnectionString =
        Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public IWorkflowStore Store { get; private set; } = null!;

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_baseConnectionString) { SearchPath = _schema }.ConnectionString;

    public async Task InitializeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_baseConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA \"{_schema}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            var target = new NpgsqlConnectionStringBuilder(_baseConnectionString);
            throw new InvalidOperationException(
                $"PostgreSQL is required for these tests but is not reachable at Host={target.Host};Port={target.Port};Database={target.Database};Username={target.Username} " +
                $"(set AUTOMATION_TEST_POSTGRES to another connection string). {exception.GetType().Name}: {exception.Message}",
                exception);
        }

        Store = new PostgresWorkflowStore(ConnectionString);
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        try
        {
            await using var connection = new NpgsqlConnection(_baseConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // Unreachable now: InitializeAsync already failed every test with a clear message.
        }
    }
}
