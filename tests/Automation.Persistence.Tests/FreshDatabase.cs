using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Persistence.Tests;

/// <summary>An empty database for one test: a new SQLite file or a new PostgreSQL schema, removed afterwards, with
/// raw SQL access for the tests that tamper with rows the way someone with database access could.</summary>
public abstract class FreshDatabase : IAsyncDisposable
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public static async Task<FreshDatabase> CreateAsync(string provider)
    {
        FreshDatabase database = provider == "postgres" ? new PostgresDatabase() : new SqliteDatabase();
        await database.InitializeAsync();
        return database;
    }

    public abstract Task<int> ExecuteAsync(string sql);

    public abstract Task<object?> ScalarAsync(string sql);

    public abstract ValueTask DisposeAsync();

    protected abstract Task InitializeAsync();

    private sealed class SqliteDatabase : FreshDatabase
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "automation-store-tests", Guid.NewGuid().ToString("N"));

        public override string Provider => "sqlite";

        public override string ConnectionString => $"Data Source={Path.Combine(folder, "automation.db")}";

        public override async Task<int> ExecuteAsync(string sql)
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new SqliteCommand(sql, connection);
            return await command.ExecuteNonQueryAsync();
        }

        public override async Task<object?> ScalarAsync(string sql)
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new SqliteCommand(sql, connection);
            return await command.ExecuteScalarAsync();
        }

        public override ValueTask DisposeAsync()
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

            return ValueTask.CompletedTask;
        }

        protected override Task InitializeAsync()
        {
            Directory.CreateDirectory(folder);
            return Task.CompletedTask;
        }
    }

    private sealed class PostgresDatabase : FreshDatabase
    {
        private readonly string schema = "test_" + Guid.NewGuid().ToString("N");
        private readonly string baseConnectionString =
            Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured ? configured : PostgresStoreFixture.DefaultConnectionString;

        public override string Provider => "postgres";

        public override string ConnectionString => new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema }.ConnectionString;

        public override async Task<int> ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return await command.ExecuteNonQueryAsync();
        }

        public override async Task<object?> ScalarAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return await command.ExecuteScalarAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(baseConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        protected override async Task InitializeAsync()
        {
            await using var connection = new NpgsqlConnection(baseConnectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
    }
}
