using Automation.Activities.SecureSend.Tracking;
using Microsoft.Data.Sqlite;
using static Automation.Activities.SecureSend.Tests.Tracking.TrackingTestSupport;

namespace Automation.Activities.SecureSend.Tests.Tracking;

/// <summary>The tracking store contract, run against SQLite and PostgreSQL.</summary>
public abstract class TrackingStoreContractTests : IAsyncLifetime
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    private ITrackingStore store = null!;

    protected abstract ITrackingStore CreateStore();

    public async Task InitializeAsync()
    {
        store = CreateStore();
        await store.MigrateAsync();
        await store.MigrateAsync();
    }

    public Task DisposeAsync() => store is IAsyncDisposable d ? d.DisposeAsync().AsTask() : Task.CompletedTask;

    private TrackedMessageRecord Message(string id) => new()
    {
        MessageId = id + suffix, PatientId = "p-" + suffix, InstanceId = "i1", DefinitionId = "flu", Purpose = "marketing",
        Links = ["https://example.org/a?x=1&y=2", "http://example.org/b"], SentAt = T0,
    };

    private EngagementEvent Event(string id, string messageId, string type, int seconds, bool automated = false) => new()
    {
        EventId = id + suffix, MessageId = messageId, PatientId = "p-" + suffix, Type = type, At = T0.AddSeconds(seconds), Automated = automated,
        Reason = automated ? "mail-scanner" : null, UserAgentHash = automated ? null : "abcd",
    };

    [Fact]
    public async Task SaveMessageAsync_ThenGet_RoundTripsLinksAndFields()
    {
        var message = Message("m1");

        Assert.True(await store.SaveMessageAsync(message));

        Assert.Equal(message, await store.GetMessageAsync(message.MessageId));
        Assert.Null(await store.GetMessageAsync("unknown" + suffix));
    }

    [Fact]
    public async Task SaveMessageAsync_SameIdAgain_KeepsTheFirstLinks()
    {
        var message = Message("m2");
        await store.SaveMessageAsync(message);

        Assert.False(await store.SaveMessageAsync(message with { Links = ["https://evil.example/"] }));

        Assert.Equal(message.Links, (await store.GetMessageAsync(message.MessageId))!.Links);
    }

    [Fact]
    public async Task AddEventAsync_ListsByMessageAndPatientOldestFirst()
    {
        var message = Message("m3");
        await store.SaveMessageAsync(message);
        var click = Event("e2", message.MessageId, EngagementTypes.Click, 60);
        var open = Event("e1", message.MessageId, EngagementTypes.Open, 30, automated: true);

        await store.AddEventAsync(click);
        await store.AddEventAsync(open);

        Assert.Equal([open, click], await store.ListEventsAsync(message.MessageId));
        Assert.Equal([click], await store.ListPatientEventsAsync("p-" + suffix, T0.AddSeconds(31)));
    }

    [Fact]
    public async Task CountMessagesAsync_CountsOnePatientsPurposeInsideTheWindowExceptTheGivenId()
    {
        await store.SaveMessageAsync(Message("c1") with { SentAt = T0.AddDays(-8) });
        await store.SaveMessageAsync(Message("c2") with { SentAt = T0.AddDays(-6) });
        await store.SaveMessageAsync(Message("c3") with { SentAt = T0.AddDays(-1), Purpose = "Marketing" });
        await store.SaveMessageAsync(Message("c4") with { SentAt = T0, Purpose = "treatment" });
        await store.SaveMessageAsync(Message("c5") with { SentAt = T0, PatientId = "other-" + suffix });

        Assert.Equal(2, await store.CountMessagesAsync("p-" + suffix, "marketing", T0.AddDays(-7)));
        Assert.Equal(1, await store.CountMessagesAsync("p-" + suffix, "marketing", T0.AddDays(-7), "c2" + suffix));
        Assert.Equal(3, await store.CountMessagesAsync("p-" + suffix, "marketing", T0.AddDays(-9)));
        Assert.Equal(1, await store.CountMessagesAsync("p-" + suffix, "treatment", T0.AddDays(-7)));
        Assert.Equal(0, await store.CountMessagesAsync("nobody-" + suffix, "marketing", T0.AddDays(-7)));
    }

    [Fact]
    public async Task ConcurrentSavesAndCounts_EachCallerGetsItsOwnAnswer()
    {
        // Forty sends at once for four patients, each id twice: exactly one save of an id reports it new.
        var saves = Enumerable.Range(0, 80).Select(i => Task.Run(() => store.SaveMessageAsync(Message("k" + (i % 40)) with
        {
            PatientId = $"q{i % 40 % 4}-{suffix}", SentAt = T0.AddDays(-(i % 40 % 10)), Purpose = i % 40 % 5 == 0 ? "treatment" : "marketing",
        }))).ToList();
        var saved = await Task.WhenAll(saves);
        Assert.Equal(40, saved.Count(inserted => inserted));
        Assert.All(Enumerable.Range(0, 40), id => Assert.Equal(1, saved.Where((_, i) => i % 40 == id).Count(inserted => inserted)));

        // Counted at once, each with its own patient, window and exception, against the same counts made one by one.
        var requests = Enumerable.Range(0, 32).Select(i => (Patient: $"q{i % 4}-{suffix}", Since: T0.AddDays(-(i % 8) - 0.5), Except: i % 3 == 0 ? "k" + (i % 4) + suffix : null)).ToList();
        var together = await Task.WhenAll(requests.Select(r => Task.Run(() => store.CountMessagesAsync(r.Patient, "marketing", r.Since, r.Except))));
        var alone = new List<int>();
        foreach (var r in requests)
        {
            alone.Add(await store.CountMessagesAsync(r.Patient, "MARKETING", r.Since, r.Except));
        }

        Assert.Equal(alone, together);
        Assert.Contains(together, count => count > 1);
    }

    [Fact]
    public async Task AddEventAsync_UnknownType_ThrowsAndWritesNothing()
    {
        var bad = Event("e9", "m9" + suffix, "bounce", 1);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddEventAsync(bad));

        Assert.Empty(await store.ListEventsAsync(bad.MessageId));
    }
}

public sealed class SqliteTrackingStoreTests : TrackingStoreContractTests, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "automation-tracking-tests", Guid.NewGuid().ToString("N"));

    protected override ITrackingStore CreateStore() => TrackingStoreFactory.Create("sqlite", $"Data Source={Path.Combine(folder, "nested", "tracking.db")}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class PostgresTrackingStoreTests(PostgresSchema schema) : TrackingStoreContractTests, IClassFixture<PostgresSchema>
{
    protected override ITrackingStore CreateStore() => TrackingStoreFactory.Create("postgres", schema.ConnectionString);
}
