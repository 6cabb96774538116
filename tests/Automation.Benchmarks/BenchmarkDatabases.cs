using Npgsql;

namespace Automation.Benchmarks;

/// <summary>Fresh databases for the load runs: a SQLite file in its own temporary folder, or a new schema in the
/// PostgreSQL test database (<c>AUTOMATION_TEST_POSTGRES</c>, or the local one), removed again by the returned cleanup.</summary>
internal static class BenchmarkDatabases
{
    public static async Task<(string Connection, Func<Task> Cleanup)> CreateAsync(string provider, string name)
    {
        if (provider == "sqlite")
        {
            var folder = Directory.CreateTempSubdirectory($"automation-{name}-bench-").FullName;
            return ("Data Source=" + Path.Combine(folder, name + ".db"), () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
                return Task.CompletedTask;
            });
        }

        var baseConnection = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";
        var schema = "bench_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(baseConnection, $"CREATE SCHEMA \"{schema}\"");
        return (new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema }.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(baseConnection, $"DROP SCHEMA \"{schema}\" CASCADE");
        });
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
