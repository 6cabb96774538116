using Automation.Activities.Segments.Repository;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Activities.Segments.Tests.Repository;

/// <summary>A store under test: a fresh database per test class.</summary>
public interface ISegmentStoreFixture
{
    string Provider { get; }

    string ConnectionString { get; }
}

/// <summary>SQLite on a temporary file in a folder the store must create.</summary>
public sealed class SqliteSegmentStoreFixture : ISegmentStoreFixture, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "automation-segment-tests", Guid.NewGuid().ToString("N"));

    public string Provider => "sqlite";

    public string ConnectionString => $"Data Source={Path.Combine(folder, "nested", "segments.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>PostgreSQL in its own schema, dropped afterwards. PostgreSQL must be reachable (AUTOMATION_TEST_POSTGRES):
/// these tests fail, never skip, without it.</summary>
public sealed class PostgresSegmentStoreFixture : ISegmentStoreFixture, IAsyncLifetime
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";
    private readonly string schema = "seg_" + Guid.NewGuid().ToString("N");
    private readonly string baseConnectionString = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public string Provider => "postgres";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema }.ConnectionString;

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
