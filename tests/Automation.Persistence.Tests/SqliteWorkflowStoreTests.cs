using Automation.Engine.Persistence;
using Automation.Persistence.Sqlite;

namespace Automation.Persistence.Tests;

public sealed class SqliteWorkflowStoreTests(SqliteStoreFixture fixture) : WorkflowStoreContractTests, IClassFixture<SqliteStoreFixture>
{
    protected override IWorkflowStore Store => fixture.Store;

    protected override IWorkflowStore CreateStore() => new SqliteWorkflowStore(fixture.ConnectionString);
}
