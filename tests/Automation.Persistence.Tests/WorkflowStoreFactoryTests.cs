using Automation.Persistence.Postgres;
using Automation.Persistence.Sqlite;

namespace Automation.Persistence.Tests;

public sealed class WorkflowStoreFactoryTests
{
    [Theory]
    [InlineData("sqlite", typeof(SqliteWorkflowStore))]
    [InlineData("SQLite", typeof(SqliteWorkflowStore))]
    [InlineData("postgres", typeof(PostgresWorkflowStore))]
    public async Task Create_KnownProvider_ReturnsThatStore(string provider, Type expected)
    {
        // Arrange
        var connectionString = expected == typeof(SqliteWorkflowStore)
            ? $"Data Source={Path.Combine(Path.GetTempPath(), "automation-factory-" + Guid.NewGuid().ToString("N"), "a.db")}"
            : PostgresStoreFixture.DefaultConnectionString;

        // Act
        var store = WorkflowStoreFactory.Create(provider, connectionString);

        // Assert
        Assert.IsType(expected, store);
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public void Create_UnknownProvider_Throws()
    {
        // Act / Assert
        Assert.Throws<ArgumentException>(() => WorkflowStoreFactory.Create("oracle", "Data Source=x"));
    }
}
