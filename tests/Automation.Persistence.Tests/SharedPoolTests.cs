using Automation.Engine.Persistence;
using Npgsql;

namespace Automation.Persistence.Tests;

/// <summary>
/// The server's stores on one PostgreSQL connection pool: together they never hold more than its Max Pool Size
/// connections, disposing one store leaves the pool to the others, and instance locks never take the whole pool.
/// </summary>
public sealed class SharedPoolTests(PostgresStoreFixture fixture) : IClassFixture<PostgresStoreFixture>
{
    private readonly string application = "automation-pool-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task StoresOnOnePool_UsedAtOnce_NeverHoldMoreThanMaxPoolSize_AndDisposingOneLeavesThePoolOpen()
    {
        await using var pool = Pool(maxPoolSize: 2);
        var store = WorkflowStoreFactory.Create(pool, null);
        var audit = WorkflowStoreFactory.CreateAuditLog(pool);
        var identity = WorkflowStoreFactory.CreateIdentityStore(pool);
        var inbox = WorkflowStoreFactory.CreateNotificationInbox(pool);
        using var sampling = new CancellationTokenSource();
        var sampler = Automation.Tests.Shared.ConnectionSampler.MostAsync(fixture.ConnectionString, application, sampling.Token);

        await Task.WhenAll(store.MigrateAsync(), audit.MigrateAsync(), identity.MigrateAsync(), inbox.MigrateAsync());
        var definitionId = TestData.Id("pool");
        await store.SaveDefinitionAsync(TestData.Definition(definitionId, 1, isLatest: true, isPublished: true));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.CommitAsync(TestData.NewCommit(TestData.State(TestData.Id("i"), definitionId), journalEntries: 2))));
        sampling.Cancel();
        var most = await sampler;

        Assert.InRange(most, 1, 2);
        await ((IAsyncDisposable)store).DisposeAsync();
        await audit.DisposeAsync();
        Assert.Empty(await identity.ListUsersAsync());
        await using var command = pool.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task LockInstance_HoldersTakeHalfThePoolAtMost_SoAHolderStillGetsAConnectionForItsRun()
    {
        // Four connections: two may hold instance locks, two stay for the work the holders do meanwhile.
        await using var pool = Pool(maxPoolSize: 4, timeoutSeconds: 3);
        var store = WorkflowStoreFactory.Create(pool, null);
        var a = await store.LockInstanceAsync(TestData.Id("lock-a"));
        var b = await store.LockInstanceAsync(TestData.Id("lock-b"));

        var third = store.LockInstanceAsync(TestData.Id("lock-c"));
        var work = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => store.GetInstanceAsync(TestData.Id("missing"))));
        var thirdWaited = !third.IsCompleted;
        await a.DisposeAsync();
        var c = await third.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(work, Assert.Null);
        Assert.True(thirdWaited, "a third lock was granted while two of the four pooled connections held locks");
        await b.DisposeAsync();
        await c.DisposeAsync();
    }

    private NpgsqlDataSource Pool(int maxPoolSize, int timeoutSeconds = 15) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(fixture.ConnectionString)
        {
            MaxPoolSize = maxPoolSize,
            Timeout = timeoutSeconds,
            ApplicationName = application,
        });
}
