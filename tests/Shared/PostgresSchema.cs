using Npgsql;

namespace Automation.Tests.Shared;

/// <summary>A PostgreSQL schema of its own for one test class, dropped afterwards. PostgreSQL must be reachable
/// (AUTOMATION_TEST_POSTGRES or the default test database): these tests fail, never skip, without it.</summary>
public sealed class PostgresSchema : IAsyncLifetime
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

    private readonly string schema = "test_" + Guid.NewGuid().ToString("N");
    private readonly string baseConnectionString =
        Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public string ConnectionString => new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema }.ConnectionString;

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE SCHEMA \"{schema}\"", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(baseConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
