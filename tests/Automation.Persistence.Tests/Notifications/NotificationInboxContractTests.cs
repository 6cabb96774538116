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
