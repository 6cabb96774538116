using System.Collections.Concurrent;
using System.Text;
using Automation.Engine.Execution;
using Automation.Engine.Outbox;
using Automation.Engine.Persistence;
using Microsoft.Extensions.Time.Testing;
using static Automation.Persistence.Tests.TestData;

namespace Automation.Persistence.Tests.Outbox;

/// <summary>The outbox contract of the workflow stores, run against SQLite and PostgreSQL: each test gets an empty
/// database, because claims take whatever is due.</summary>
public abstract class OutboxStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private FreshDatabase database = null!;

    protected abstract string Provider { get; }

    private IWorkflowStore Store { get; set; } = null!;

    private IOutboxStore Outbox => (IOutboxStore)Store;

    public async Task InitializeAsync()
    {
        database = await FreshDatabase.CreateAsync(Provider);
        Store = WorkflowStoreFactory.Create(Provider, database.ConnectionString);
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await database.DisposeAsync();
    }

    [Fact]
    public async Task CommitAsync_WithOutbox_StoresMessagesPendingInTheSameCommit()
    {
        var state = State(Id("wf"), "def");

        await Store.CommitAsync(NewCommit(state) with { Outbox = [Message("m1"), Message("m2")] });

        var claimed = await Outbox.ClaimAsync(10, T0, T0 + Lease);
        Assert.Equal(["m1", "m2"], claimed.Select(i => i.Id));
        Assert.All(claimed, i => Assert.Equal((state.InstanceId, 1, "secure-send"), (i.InstanceId, i.Attempt, i.Topic)));
        Assert.Equal("payload m1", Encoding.UTF8.GetString(claimed[0].Payload));
    }

    [Fact]
    public async Task CommitBatchAsync_ManyNewInstancesWithOutbox_StoresEveryMessageOnce()
    {
        var commits = Enumerable.Range(0, 300).Select(i => NewCommit(State(Id("wf"), "def")) with { Outbox = [Message($"batch-{i}")] }).ToList();
        commits.Add(NewCommit(State(Id("wf"), "def")) with { Outbox = [Message("batch-7", "second copy")] });

        await Store.CommitBatchAsync(commits);

        var claimed = await Outbox.ClaimAsync(1000, T0, T0 + Lease);
        Assert.Equal(300, claimed.Count);
        Assert.Equal(300, claimed.Select(i => i.Id).Distinct().Count());
        Assert.Equal("payload batch-7", Encoding.UTF8.GetString(claimed.Single(i => i.Id == "batch-7").Payload));
    }

    [Fact]
    public async Task CommitBatchAsync_UpdatesOfExistingInstancesWithOutbox_StoresMessages()
    {
        var states = Enumerable.Range(0, 5).Select(_ => State(Id("wf"), "def")).ToList();
        await Store.CommitBatchAsync([.. states.Select(s => NewCommit(s))]);

        await Store.CommitBatchAsync([.. states.Select((s, i) => new WorkflowCommit(s, 1, []) { Outbox = [Message($"upd-{i}")] })]);

        Assert.Equal(5, (await Outbox.ClaimAsync(100, T0, T0 + Lease)).Count);
    }

    [Fact]
    public async Task CommitAsync_ConcurrencyConflict_LeavesNoOutboxRow()
    {
        var state = State(Id("wf"), "def");
        await Store.CommitAsync(NewCommit(state));
        await Store.CommitAsync(new WorkflowCommit(state, 1, []));

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitAsync(new WorkflowCommit(state, 1, []) { Outbox = [Message("lost")] }));
        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitAsync(NewCommit(State(state.InstanceId, "def")) with { Outbox = [Message("lost-new")] }));

        Assert.Null(await Outbox.GetAsync("lost"));
        Assert.Null(await Outbox.GetAsync("lost-new"));
        Assert.Empty(await Outbox.ClaimAsync(10, T0, T0 + Lease));
    }

    [Fact]
    public async Task CommitBatchAsync_ConflictInBatch_LeavesNoOutboxRowOfAnyCommit()
    {
        var existing = State(Id("wf"), "def");
        await Store.CommitAsync(NewCommit(existing));
        var commits = Enumerable.Range(0, 50).Select(i => NewCommit(State(Id("wf"), "def")) with { Outbox = [Message($"rolled-{i}")] }).ToList();
        commits.Add(NewCommit(State(existing.InstanceId, "def")) with { Outbox = [Message("rolled-dup")] });

        await Assert.ThrowsAsync<WorkflowConcurrencyException>(() => Store.CommitBatchAsync(commits));

        Assert.Empty(await Outbox.ClaimAsync(100, T0, T0 + Lease));
    }

    [Fact]
    public async Task EnqueueAsync_SameIdTwice_KeepsTheFirst()
    {
        await Outbox.EnqueueAsync([Message("dup", "first")]);
        await Outbox.EnqueueAsync([Message("dup", "second"), Message("other")]);

        var claimed = await Outbox.ClaimAsync(10, T0, T0 + Lease);

        Assert.Equal(["dup", "other"], claimed.Select(i => i.Id));
        Assert.Equal("first", Encoding.UTF8.GetString(claimed[0].Payload));
        Assert.Equal("", claimed[0].InstanceId);
    }

    [Fact]
    public async Task EnqueueAsync_MessageWithoutTopic_ThrowsAndStoresNothing()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => Outbox.EnqueueAsync([Message("fine"), new OutboxMessage("bad", "", [])]));

        Assert.Contains("message 1", exception.Message, StringComparison.Ordinal);
        Assert.Null(await Outbox.GetAsync("fine"));
    }

    [Fact]
    public async Task ClaimAsync_Leased_NotClaimedAgainUntilTheLeaseLapsesThenCountsTheAttempt()
    {
        await Outbox.EnqueueAsync([Message("lease")]);

        var first = await Outbox.ClaimAsync(10, T0, T0 + Lease);
        var duringLease = await Outbox.ClaimAsync(10, T0 + Lease - TimeSpan.FromSeconds(1), T0 + Lease + Lease);
        var afterLease = await Outbox.ClaimAsync(10, T0 + Lease, T0 + Lease + Lease);

        Assert.Equal(1, Assert.Single(first).Attempt);
        Assert.Empty(duringLease);
        Assert.Equal(2, Assert.Single(afterLease).Attempt);
        Assert.Equal(2, (await Outbox.GetAsync("lease"))!.Attempts);
    }

    [Fact]
    public async Task ClaimAsync_Max_TakesOldestFirst()
    {
        await Outbox.EnqueueAsync([Message("a"), Message("b"), Message("c")]);

        Assert.Equal(["a", "b"], (await Outbox.ClaimAsync(2, T0, T0 + Lease)).Select(i => i.Id));
        Assert.Equal(["c"], (await Outbox.ClaimAsync(2, T0, T0 + Lease)).Select(i => i.Id));
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentClaimers_NeverShareAnItem()
    {
        await Outbox.EnqueueAsync([.. Enumerable.Range(0, 400).Select(i => Message($"c-{i}"))]);
        var other = (IOutboxStore)WorkflowStoreFactory.Create(Provider, database.ConnectionString);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? Outbox : other).ClaimAsync(60, T0, T0 + Lease)));

        var ids = claims.SelectMany(c => c).Select(i => i.Id).ToList();
        Assert.Equal(400, ids.Count);
        Assert.Equal(400, ids.Distinct().Count());
        (other as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task CompleteAsync_RetryDeadDone_RecordsEachAndDoneIsFinal()
    {
        await Outbox.EnqueueAsync([Message("retry"), Message("dead"), Message("done")]);
        await Outbox.ClaimAsync(10, T0, T0 + Lease);

        await Outbox.CompleteAsync([("retry", OutboxResult.RetryAt(T0 + TimeSpan.FromMinutes(10), "451 try later")), ("dead", OutboxResult.Dead("550 no such user")), ("done", OutboxResult.Done)], T0);
        await Outbox.CompleteAsync([("done", OutboxResult.RetryAt(T0, "late answer from a lapsed relay"))], T0);

        var retry = await Outbox.GetAsync("retry");
        var dead = await Outbox.GetAsync("dead");
        var done = await Outbox.GetAsync("done");
        Assert.Equal(("pending", "451 try later", (DateTimeOffset?)null), (retry!.Status, retry.LastError, retry.CompletedAt));
        Assert.Equal(("dead", "550 no such user", (DateTimeOffset?)T0), (dead!.Status, dead.LastError, dead.CompletedAt));
        Assert.Equal(("done", (DateTimeOffset?)T0), (done!.Status, done.CompletedAt));
        Assert.Empty(await Outbox.ClaimAsync(10, T0 + TimeSpan.FromMinutes(9), T0 + TimeSpan.FromMinutes(20)));
        Assert.Equal(["retry"], (await Outbox.ClaimAsync(10, T0 + TimeSpan.FromMinutes(10), T0 + TimeSpan.FromMinutes(20))).Select(i => i.Id));
    }

    [Fact]
    public async Task OutboxRelay_CrashAfterClaim_NewRelayDeliversAfterLeaseAndEachIdIsDoneExactlyOnce()
    {
        // Arrange: committed messages, a relay whose handler "crashes" (the process dies) after claiming.
        var clock = new FakeTimeProvider(T0);
        var states = Enumerable.Range(0, 20).Select(_ => State(Id("wf"), "def")).ToList();
        await Store.CommitBatchAsync([.. states.Select((s, i) => NewCommit(s) with { Outbox = [Message($"relay-{i}")] })]);
        var options = new OutboxRelayOptions { BatchSize = 50, Lease = Lease, Parallelism = 2 };
        var crashing = new CrashingHandler();
        var doomed = new OutboxRelay(Outbox, [crashing], new OutboxSignal(), clock, options);
        using var crash = new CancellationTokenSource();
        crashing.OnHandle = crash.Cancel;

        // Act 1: the first relay claims, starts delivering, and dies before recording anything.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomed.DeliverOnceAsync(crash.Token));
        var counting = new CountingHandler();
        var relay = new OutboxRelay(Outbox, [counting], new OutboxSignal(), clock, options);
        var beforeLease = await relay.DeliverPendingAsync(CancellationToken.None);
        clock.Advance(Lease);
        var afterLease = await relay.DeliverPendingAsync(CancellationToken.None);
        var again = await relay.DeliverPendingAsync(CancellationToken.None);

        // Assert
        Assert.Equal(0, beforeLease);
        Assert.Equal(20, afterLease);
        Assert.Equal(0, again);
        Assert.Equal(20, counting.Calls.Count);
        Assert.All(counting.Calls.Values, count => Assert.Equal(1, count));
        foreach (var i in Enumerable.Range(0, 20))
        {
            var state = await Outbox.GetAsync($"relay-{i}");
            Assert.Equal(("done", 2), (state!.Status, state.Attempts));
        }
    }

    [Fact]
    public async Task OutboxRelay_HandlerRetriesThenSucceeds_DoneOnceAfterRetryTime()
    {
        var clock = new FakeTimeProvider(T0);
        await Outbox.EnqueueAsync([Message("flaky")]);
        var handler = new CountingHandler { FailFirst = true };
        var relay = new OutboxRelay(Outbox, [handler], new OutboxSignal(), clock, new OutboxRelayOptions { Lease = Lease });

        await relay.DeliverPendingAsync(CancellationToken.None);
        var afterFailure = await Outbox.GetAsync("flaky");
        clock.Advance(TimeSpan.FromMinutes(1));
        await relay.DeliverPendingAsync(CancellationToken.None);

        Assert.Equal(("pending", 1), (afterFailure!.Status, afterFailure.Attempts));
        var final = await Outbox.GetAsync("flaky");
        Assert.Equal(("done", 2), (final!.Status, final.Attempts));
        Assert.Equal(2, handler.Calls["flaky"]);
    }

    private static OutboxMessage Message(string id, string? payload = null) => new(id, "secure-send", Encoding.UTF8.GetBytes(payload ?? "payload " + id));

    private sealed class CountingHandler : IOutboxHandler
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new();

        public bool FailFirst { get; init; }

        public string Topic => "secure-send";

        public Task<IReadOnlyList<OutboxResult>> HandleAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
        {
            var results = items.Select(item =>
            {
                var count = Calls.AddOrUpdate(item.Id, 1, (_, n) => n + 1);
                return FailFirst && count == 1 ? OutboxResult.RetryAt(T0 + TimeSpan.FromSeconds(30), "421 busy") : OutboxResult.Done;
            }).ToList();
            return Task.FromResult<IReadOnlyList<OutboxResult>>(results);
        }
    }

    private sealed class CrashingHandler : IOutboxHandler
    {
        public Action OnHandle { get; set; } = () => { };

        public string Topic => "secure-send";

        public async Task<IReadOnlyList<OutboxResult>> HandleAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
        {
            OnHandle();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}

public sealed class SqliteOutboxStoreTests : OutboxStoreContractTests
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresOutboxStoreTests : OutboxStoreContractTests
{
    protected override string Provider => "postgres";
}
