using System.Net;
using System.Text.Json.Nodes;
using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Persistence;
using Automation.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Automation.Activities.SecureSend.Tests.Tracking.TrackingTestSupport;

namespace Automation.Activities.SecureSend.Tests.Tracking;

/// <summary>WaitForEngagement on the durable runtime over SQLite with a fake clock: resumed by human opens and clicks
/// through the bookmark index, never by automated ones, and by its timer when nobody engages.</summary>
public sealed class WaitForEngagementTests : IAsyncLifetime
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    private readonly string folder = Directory.CreateTempSubdirectory("automation-wait-engagement-").FullName;
    private readonly FakeTimeProvider clock = new(T0);
    private readonly StringWriter console = new();
    private readonly RecordingTimers timers = new();
    private IWorkflowStore store = null!;
    private ITrackingStore tracking = null!;
    private ServiceProvider services = null!;
    private EngagementRecorder recorder = null!;

    private WorkflowRuntime Runtime => services.GetRequiredService<WorkflowRuntime>();

    private string[] Lines => console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public async Task InitializeAsync()
    {
        store = new SqliteWorkflowStore($"Data Source={Path.Combine(folder, "automation.db")}");
        await store.MigrateAsync();
        tracking = new SqliteTrackingStore($"Data Source={Path.Combine(folder, "automation.db")}");
        await tracking.MigrateAsync();
        services = new ServiceCollection()
            .AddSingleton(store)
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(new WorkflowConsole(console))
            .AddSingleton<IWorkflowTimerScheduler>(timers)
            .AddSingleton(new ActivityAssembly(typeof(WaitForEngagement).Assembly))
            .AddAutomationEngine()
            .BuildServiceProvider();
        recorder = new EngagementRecorder(tracking, new EngagementClassifier(Options()), Runtime);
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static JsonObject Literal(string value) => new() { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } };

    private static JsonObject Say(string id, string text) => new() { ["id"] = id, ["type"] = "Elsa.WriteLine", ["text"] = Literal(text) };

    private static JsonObject Connect(string source, string port, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    private async Task<WorkflowRunResult> StartAsync(string messageId, string waitFor, string timeout = "1.00:00:00", WorkflowStatus expected = WorkflowStatus.Suspended)
    {
        var definition = WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = "engagement-" + Guid.NewGuid().ToString("N")[..6],
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["activities"] = new JsonArray(
                    new JsonObject
                    {
                        ["id"] = "wait", ["type"] = WaitForEngagement.TypeName, ["messageId"] = Literal(messageId), ["waitFor"] = Literal(waitFor),
                        ["timeout"] = Literal(timeout),
                    },
                    Say("opened", "opened"), Say("clicked", "clicked"), Say("timedOut", "timed out")),
                ["connections"] = new JsonArray(Connect("wait", "Opened", "opened"), Connect("wait", "Clicked", "clicked"), Connect("wait", "TimedOut", "timedOut")),
            },
        });
        definition.Id = definition.DefinitionId + "-v1";
        definition.IsLatest = true;
        await store.SaveDefinitionAsync(definition);
        await tracking.SaveMessageAsync(new TrackedMessageRecord
        {
            MessageId = messageId, PatientId = "p1", InstanceId = "", DefinitionId = definition.DefinitionId, Purpose = "marketing", Links = ["https://example.org/"], SentAt = T0,
        });
        var started = await Runtime.StartAsync(definition);
        Assert.Equal(expected, started.Status);
        return started;
    }

    private Task<EngagementEvent?> EngageAsync(string messageId, string type, string agent = Chrome, string ip = "198.51.100.7") =>
        recorder.RecordAsync(new EngagementRequest(messageId, type, clock.GetUtcNow(), agent, IPAddress.Parse(ip), "GET"));

    [Fact]
    public async Task HumanOpen_ResumesOpenedAndDropsTheTimer()
    {
        var started = await StartAsync("msg-open", "any");
        Assert.Single(timers.Scheduled);
        clock.Advance(TimeSpan.FromHours(2));

        var engagement = await EngageAsync("msg-open", EngagementTypes.Open);

        Assert.False(engagement!.Automated);
        var state = await store.GetInstanceAsync(started.InstanceId);
        Assert.Equal(WorkflowStatus.Finished, state!.Status);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(await store.ListDueTimersAsync(DateTimeOffset.UtcNow.AddYears(1000), null, int.MaxValue));
        Assert.Equal(["opened"], Lines);
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await Runtime.ResumeDueTimersAsync());
        Assert.Equal(["opened"], Lines);
    }

    [Fact]
    public async Task AutomatedOpens_DoNotResume_ThenHumanClickResumesClicked()
    {
        var started = await StartAsync("msg-click", "any");

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("prefetch-after-delivery", (await EngageAsync("msg-click", EngagementTypes.Open))!.Reason);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("apple-mail-privacy-protection", (await EngageAsync("msg-click", EngagementTypes.Open, ip: "17.1.2.3"))!.Reason);
        Assert.Equal("gmail-image-proxy", (await EngageAsync("msg-click", EngagementTypes.Open, agent: "Mozilla/5.0 (via ggpht.com GoogleImageProxy)"))!.Reason);
        Assert.Equal(WorkflowStatus.Suspended, (await store.GetInstanceAsync(started.InstanceId))!.Status);

        await EngageAsync("msg-click", EngagementTypes.Click);

        Assert.Equal(WorkflowStatus.Finished, (await store.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(["clicked"], Lines);
        Assert.Equal(4, (await tracking.ListEventsAsync("msg-click")).Count);
    }

    [Fact]
    public async Task WaitForClick_OpenDoesNotResume()
    {
        var started = await StartAsync("msg-only-click", "click");
        clock.Advance(TimeSpan.FromMinutes(5));

        await EngageAsync("msg-only-click", EngagementTypes.Open);
        Assert.Equal(WorkflowStatus.Suspended, (await store.GetInstanceAsync(started.InstanceId))!.Status);

        await EngageAsync("msg-only-click", EngagementTypes.Click);
        Assert.Equal(["clicked"], Lines);
    }

    [Fact]
    public async Task WaitForOpen_ClickCountsAsOpened()
    {
        await StartAsync("msg-open-by-click", "open");
        clock.Advance(TimeSpan.FromMinutes(5));

        await EngageAsync("msg-open-by-click", EngagementTypes.Click);

        Assert.Equal(["opened"], Lines);
    }

    [Fact]
    public async Task NobodyEngages_TimerResumesTimedOut_LaterOpenChangesNothing()
    {
        var started = await StartAsync("msg-silent", "any");

        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await Runtime.ResumeDueTimersAsync());
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await Runtime.ResumeDueTimersAsync());

        Assert.Equal(WorkflowStatus.Finished, (await store.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(["timed out"], Lines);
        await EngageAsync("msg-silent", EngagementTypes.Open);
        Assert.Equal(["timed out"], Lines);
    }

    [Theory]
    [InlineData("PT0S")]
    [InlineData("-00:05:00")]
    public async Task NoTimeLeft_TimesOutAtOnceWithoutBookmarks(string timeout)
    {
        var started = await StartAsync("msg-late-" + timeout.GetHashCode(StringComparison.Ordinal), "click", timeout, WorkflowStatus.Finished);

        Assert.Empty(started.State.Bookmarks);
        Assert.Empty(timers.Scheduled);
        Assert.Equal(["timed out"], Lines);
    }

    [Fact]
    public async Task IsoTimeout_SchedulesTheTimerThatFar()
    {
        await StartAsync("msg-iso", "click", "PT3600S");

        Assert.Equal(T0.AddHours(1), Assert.Single(timers.Scheduled).ResumeAt);
    }

    [Fact]
    public async Task UnknownMessage_RecordsNothing()
    {
        Assert.Null(await EngageAsync("no-such-message", EngagementTypes.Open));
        Assert.Empty(await tracking.ListEventsAsync("no-such-message"));
    }

    private sealed class RecordingTimers : IWorkflowTimerScheduler
    {
        private readonly List<Bookmark> scheduled = [];

        public IReadOnlyList<Bookmark> Scheduled
        {
            get
            {
                lock (scheduled)
                {
                    return scheduled.ToList();
                }
            }
        }

        public Task ScheduleAsync(Bookmark timer, CancellationToken cancellationToken = default)
        {
            lock (scheduled)
            {
                scheduled.Add(timer);
            }

            return Task.CompletedTask;
        }
    }
}
