using Automation.Engine.Persistence;
using Automation.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Tests;

public sealed class SqliteWorkflowStoreTests(SqliteStoreFixture fixture) : WorkflowStoreContractTests, IClassFixture<SqliteStoreFixture>
{
    protected override IWorkflowStore Store => fixture.Store;

    protected override IWorkflowStore CreateStore() => new SqliteWorkflowStore(fixture.ConnectionString);

    protected override async Task<long> CountJournalRowsAsync(string instanceId)
    {
        await using var connection = new SqliteConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal WHERE instance_id = $id";
        command.Parameters.AddWithValue("$id", instanceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    protected override async Task<IReadOnlyList<string>> InstanceIndexesAsync()
    {
        await using var connection = new SqliteConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances'";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
