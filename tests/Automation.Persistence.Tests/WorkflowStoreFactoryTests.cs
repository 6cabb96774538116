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

    [Theory]
    [InlineData("sqlite", typeof(Automation.Persistence.Audit.SqliteAuditLog))]
    [InlineData("postgresql", typeof(Automation.Persistence.Audit.PostgresAuditLog))]
    public async Task CreateAuditLog_KnownProvider_ReturnsThatDialect(string provider, Type expected)
    {
        var connectionString = expected == typeof(Automation.Persistence.Audit.SqliteAuditLog)
            ? $"Data Source={Path.Combine(Path.GetTempPath(), "automation-factory-" + Guid.NewGuid().ToString("N"), "a.db")}"
            : PostgresStoreFixture.DefaultConnectionString;

        await using var log = WorkflowStoreFactory.CreateAuditLog(provider, connectionString);

        Assert.IsType(expected, log);
    }

    [Fact]
    public void CreateAuditLog_UnknownProvider_Throws() =>
        Assert.Throws<ArgumentException>(() => WorkflowStoreFactory.CreateAuditLog("oracle", "Data Source=x"));

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Create_AnyProvider_StoreAlsoKeepsTheOutbox(string provider)
    {
        var connectionString = provider == "sqlite"
            ? $"Data Source={Path.Combine(Path.GetTempPath(), "automation-factory-" + Guid.NewGuid().ToString("N"), "a.db")}"
            : PostgresStoreFixture.DefaultConnectionString;

        var store = WorkflowStoreFactory.Create(provider, connectionString);

        Assert.IsAssignableFrom<Automation.Engine.Outbox.IOutboxStore>(store);
        (store as IDisposable)?.Dispose();
    }
}
