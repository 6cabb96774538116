using Automation.Persistence.Notifications;
using Automation.Persistence.Postgres;
using Automation.Persistence.Sqlite;

namespace Automation.Persistence.Tests.Notifications;

/// <summary>The FHIR notification inbox contract, run against SQLite and PostgreSQL.</summary>
public abstract class NotificationInboxContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private readonly string subscription = "sub-" + Guid.NewGuid().ToString("N")[..8];
    private INotificationInbox inbox = null!;

    protected abstract INotificationInbox CreateInbox();

    public async Task InitializeAsync()
    {
        inbox = CreateInbox();
        await inbox.MigrateAsync();
        await inbox.MigrateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private FhirNotification Notification(string key, int secondsAfter) => new()
    {
        Id = Guid.NewGuid().ToString("N"), Subscription = subscription, DedupeKey = key, Focus = "Appointment/a1",
        ResourceJson = "{\"resourceType\":\"Appointment\"}", ReceivedAt = T0.AddSeconds(secondsAfter),
    };

    [Fact]
    public async Task TryEnqueueAsync_SameKeyTwice_KeepsOne()
    {
        Assert.True(await inbox.TryEnqueueAsync(Notification("event:1", 0)));
        Assert.False(await inbox.TryEnqueueAsync(Notification("event:1", 1)));

        Assert.Single(await Mine());
    }

    [Fact]
    public async Task PendingAsync_OldestFirst_UntilCompleted()
    {
        var second = Notification("event:2", 2);
        var first = Notification("event:1", 1);
        await inbox.TryEnqueueAsync(second);
        await inbox.TryEnqueueAsync(first);

        Assert.Equal([first.Id, second.Id], (await Mine()).Select(n => n.Id));
        Assert.Equal(first, (await Mine())[0]);
        await inbox.CompleteAsync(first.Id, null, T0.AddMinutes(1));

        Assert.Equal([second.Id], (await Mine()).Select(n => n.Id));
    }

    [Fact]
    public async Task SubscriptionState_IsUpserted()
    {
        Assert.Null(await inbox.GetStateAsync(subscription));
        await inbox.SaveStateAsync(new SubscriptionState { Subscription = subscription, Status = "requested", Topic = "http://t", LastEventNumber = 0, LastSeenAt = T0 });
        var active = new SubscriptionState { Subscription = subscription, Status = "active", Topic = "http://t", LastEventNumber = 7, Gaps = "3-4", LastSeenAt = T0.AddMinutes(1) };

        await inbox.SaveStateAsync(active);

        Assert.Equal(active, await inbox.GetStateAsync(subscription));
        Assert.Contains(active, await inbox.ListStatesAsync());
    }

    [Fact]
    public async Task AcceptAsync_WritesEventsAndStateTogether_AndReportsDuplicates()
    {
        var first = await inbox.AcceptAsync([subscription], states => new NotificationIntakePlan(
            [Notification("event:1", 0), Notification("event:2", 0)],
            [states[subscription] with { Status = "active", LastEventNumber = 2, LastSeenAt = T0 }]));
        SubscriptionState? seen = null;
        var replay = await inbox.AcceptAsync([subscription], states =>
        {
            seen = states[subscription];
            return new NotificationIntakePlan([Notification("event:2", 1), Notification("event:3", 1)], [states[subscription] with { LastEventNumber = 3 }]);
        });

        Assert.Equal([true, true], first);
        Assert.Equal([false, true], replay);
        Assert.Equal(2, seen!.LastEventNumber);
        Assert.Equal("active", seen.Status);
        Assert.Equal(3, (await inbox.GetStateAsync(subscription))!.LastEventNumber);
        Assert.Equal(["event:1", "event:2", "event:3"], (await Mine()).Select(n => n.DedupeKey).Order());
    }

    [Fact]
    public async Task AcceptAsync_FailingPlan_WritesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => inbox.AcceptAsync([subscription], _ => throw new InvalidOperationException("plan failed")));

        Assert.Null(await inbox.GetStateAsync(subscription));
        Assert.Empty(await Mine());
    }

    [Fact]
    public async Task AcceptAsync_TwoInboxesAtOnce_NeverLoseAStateUpdate()
    {
        // Two server nodes (two inbox instances, two connection pools) update one subscription concurrently. Each
        // batch raises the last event number by one from the state it was handed: without the row lock, two batches
        // read the same state and one increment is lost.
        var other = CreateInbox();
        const int PerNode = 25;
        async Task NodeAsync(INotificationInbox node, string prefix)
        {
            for (var i = 0; i < PerNode; i++)
            {
                await node.AcceptAsync([subscription], states =>
                {
                    var next = states[subscription].LastEventNumber + 1;
                    return new NotificationIntakePlan([Notification($"{prefix}:{i}", i)], [states[subscription] with { LastEventNumber = next }]);
                });
            }
        }

        await Task.WhenAll(Task.Run(() => NodeAsync(inbox, "a")), Task.Run(() => NodeAsync(other, "b")));

        Assert.Equal(2 * PerNode, (await inbox.GetStateAsync(subscription))!.LastEventNumber);
        Assert.Equal(2 * PerNode, (await Mine()).Count);
    }

    [Fact]
    public async Task CompleteAsync_Batch_MarksEachWithItsOwnError()
    {
        var ok = Notification("event:1", 0);
        var failed = Notification("event:2", 1);
        var untouched = Notification("event:3", 2);
        foreach (var n in new[] { ok, failed, untouched })
        {
            await inbox.TryEnqueueAsync(n);
        }

        await inbox.CompleteAsync([new NotificationOutcome(ok.Id, null), new NotificationOutcome(failed.Id, "The focus could not be read.")], T0.AddMinutes(1));

        Assert.Equal([untouched.Id], (await Mine()).Select(n => n.Id));
    }

    private async Task<List<FhirNotification>> Mine() => (await inbox.PendingAsync(1000)).Where(n => n.Subscription == subscription).ToList();
}

public sealed class SqliteNotificationInboxTests(SqliteStoreFixture fixture) : NotificationInboxContractTests, IClassFixture<SqliteStoreFixture>
{
    protected override INotificationInbox CreateInbox() => new SqliteNotificationInbox(fixture.ConnectionString);
}

public sealed class PostgresNotificationInboxTests(PostgresStoreFixture fixture) : NotificationInboxContractTests, IClassFixture<PostgresStoreFixture>
{
    protected override INotificationInbox CreateInbox() => new PostgresNotificationInbox(fixture.ConnectionString);
}
