using Automation.Engine.Persistence;
using Automation.Persistence.Postgres;
using Npgsql;

namespace Automation.Persistence.Tests;

public sealed class PostgresWorkflowStoreTests(PostgresStoreFixture fixture) : WorkflowStoreContractTests, IClassFixture<PostgresStoreFixture>
{
    protected override IWorkflowStore Store => fixture.Store;

    protected override IWorkflowStore CreateStore() => new PostgresWorkflowStore(fixture.ConnectionString);

    protected override async Task<long> CountJournalRowsAsync(string instanceId)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM journal WHERE instance_id = $1", connection) { Parameters = { new() { Value = instanceId } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override async Task<IReadOnlyList<string>> InstanceIndexesAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'instances'", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
