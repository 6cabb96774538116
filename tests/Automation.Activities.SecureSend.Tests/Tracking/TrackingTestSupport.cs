using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Security;
using Npgsql;

namespace Automation.Activities.SecureSend.Tests.Tracking;

internal static class TrackingTestSupport
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static byte[] NewKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static TrackingOptions Options() => new() { PublicBaseUrl = new Uri("https://engage.example.org/") };

    public static TrackingTokens Tokens(TimeProvider clock, byte[]? key = null) => new(new SignedTokens(key ?? NewKey(), clock), TimeSpan.FromDays(400));
}

/// <summary>A PostgreSQL schema of its own for one test class, dropped afterwards (fails, never skips, without PostgreSQL).</summary>
public sealed class PostgresSchema : IAsyncLifetime
{
    private readonly string schema = "test_" + Guid.NewGuid().ToString("N");
    private readonly string baseConnectionString = Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
        ? configured : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test";

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
