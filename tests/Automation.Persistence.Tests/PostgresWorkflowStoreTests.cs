using Automation.Engine.Persistence;
using Automation.Persistence.Postgres;

namespace Automation.Persistence.Tests;

public sealed class PostgresWorkflowStoreTests(PostgresStoreFixture fixture) : WorkflowStoreContractTests, IClassFixture<PostgresStoreFixture>
{
    protected override IWorkflowStore Store => fixture.Store;

    protected override IWorkflowStore CreateStore() => new PostgresWorkflowStore(fixture.ConnectionString);
}
