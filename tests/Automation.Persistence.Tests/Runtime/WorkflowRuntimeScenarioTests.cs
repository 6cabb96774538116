using System.Text.Json.Nodes;
using Automation.Engine.Audience;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Persistence.Tests.Runtime;

/// <summary>
/// The durable runtime over a real store: bookmarks resumed through the hash index, correlation, the stimulus queue,
/// exactly-once resumption under races, event triggers, timers and cancellation. Subclassed per store.
/// </summary>
public abstract class WorkflowRuntimeScenarioTests : IDisposable
{
    private ServiceProvider? services;

    protected abstract IWorkflowStore Store { get; }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    protected StringWriter Console { get; } = new();

    protected RecordingTimerScheduler Timers { get; } = new();

    private WorkflowRuntime Runtime => (services ??= BuildServices()).GetRequiredService<WorkflowRuntime>();

    private string[] Lines => Console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private ServiceProvider BuildServices() => new ServiceCollection()
        .AddSingleton(Store)
        .AddSingleton<TimeProvider>(Clock)
        .AddSingleton(new WorkflowConsole(Console))
        .AddSingleton<IWorkflowTimerScheduler>(Timers)
        .AddAutomationEngine()
        .BuildServiceProvider();

    [Fact]
    public async Task PublishEvent_WaitingInstance_ResumesThroughHashIndexAndFinishes()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("confirmed"), "after"));
        var started = await Runtime.StartAsync(definition);
        Assert.Equal(WorkflowStatus.Suspended, started.Status);

        var results = await Runtime.PublishEventAsync(Evt("confirmed"), null, new Dictionary<string, object?> { ["by"] = "sms" });

        var resumed = Assert.Single(results);
        Assert.Equal(started.InstanceId, resumed.InstanceId);
        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(["after:sms"], Lines);
        Assert.Empty(await Store.FindBookmarksAsync(started.NewBookmarks[0].Hash, null));
    }

    [Fact]
    public async Task PublishEvent_WithCorrelationId_ResumesOnlyThatInstance()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("confirmed"), "after"));
        var a = await Runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "patient-a" });
        var b = await Runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "patient-b" });

        var results = await Runtime.PublishEventAsync(Evt("confirmed"), "patient-b", new Dictionary<string, object?> { ["by"] = "web" });

        Assert.Equal(b.InstanceId, Assert.Single(results).InstanceId);
        Assert.Equal(WorkflowStatus.Suspended, (await Store.GetInstanceAsync(a.InstanceId))!.Status);
        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(b.InstanceId))!.Status);
    }

    [Fact]
    public async Task Stimulus_ArrivingBeforeBookmark_IsQueuedAndDeliveredWhenBookmarkCommits()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("lab-result"), "after"));

        var early = await Runtime.PublishEventAsync(Evt("lab-result"), "patient-7", new Dictionary<string, object?> { ["by"] = "lab" });
        Assert.Empty(early);
        var started = await Runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "patient-7" });

        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(["after:lab"], Lines);
    }

    [Fact]
    public async Task Stimulus_QueuedLongerThanItsTimeToLive_IsDropped()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("lab-result"), "after"));
        await Runtime.PublishEventAsync(Evt("lab-result"), "patient-8", null);

        Clock.Advance(TimeSpan.FromMinutes(2));
        var started = await Runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "patient-8" });

        Assert.Equal(WorkflowStatus.Suspended, (await Store.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Empty(Lines);
    }

    [Fact]
    public async Task Resume_SameBookmarkRacedEightTimes_ContinuesExactlyOnce()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("go"), "after"));
        var started = await Runtime.StartAsync(definition);
        var bookmarkId = started.NewBookmarks.Single().Id;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Runtime.ResumeAsync(bookmarkId, new Dictionary<string, object?> { ["by"] = "race" }))));

        Assert.Single(results, r => r is not null);
        Assert.Equal(["after:race"], Lines);
        var journal = await Store.GetJournalAsync(started.InstanceId);
        Assert.Single(journal, e => e.ActivityId == "after" && e.Event == JournalEvent.Completed);
    }

    [Fact]
    public async Task EventTrigger_PublishedDefinition_StartsNewInstanceWithPayload()
    {
        var definition = Definition(
            [
                Activity("trigger", "Elsa.Event", ("eventName", Literal(Evt("patient-registered")))),
                Activity("greet", "Elsa.WriteLine", ("text", Expr("JavaScript", "return 'welcome ' + outputs.trigger.Result.mrn;"))),
            ],
            [Connect("trigger", "greet")]);
        definition.IsPublished = true;
        await SaveAsync(definition);

        var results = await Runtime.PublishEventAsync(Evt("patient-registered"), "mrn-1", new Dictionary<string, object?> { ["mrn"] = "mrn-1" });

        var started = Assert.Single(results);
        Assert.Equal(WorkflowStatus.Finished, started.Status);
        Assert.Equal("mrn-1", started.State.CorrelationId);
        Assert.Equal(["welcome mrn-1"], Lines);
    }

    [Theory]
    [InlineData("notWhileActive", 1)]
    [InlineData(null, 2)]
    public async Task EventTrigger_WithTheReentryRule_DoesNotStartASecondActiveInstanceForTheSamePatient(string? rule, int expectedInstances)
    {
        var definition = Definition(
            [
                Activity("trigger", "Elsa.Event", ("eventName", Literal(Evt("no-show")))),
                Activity("wait", "Elsa.Event", ("eventName", Literal(Evt("engaged")))),
            ],
            [Connect("trigger", "wait")],
            definitionId: "reengage");
        definition.IsPublished = true;
        if (rule is not null)
        {
            definition.Document["customProperties"] = new JsonObject { ["automation:reentry"] = rule };
        }

        await SaveAsync(definition);
        await Runtime.PublishEventAsync(Evt("no-show"), "patient-9", null);
        await Runtime.PublishEventAsync(Evt("no-show"), "patient-9", null);
        await Runtime.PublishEventAsync(Evt("no-show"), "patient-10", null);

        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 10 });
        Assert.Equal(expectedInstances, page.Items.Count(i => i.CorrelationId == "patient-9"));
        Assert.Equal(1, page.Items.Count(i => i.CorrelationId == "patient-10"));
    }

    [Fact]
    public async Task PublishEventActivity_InOneWorkflow_ResumesAnotherAfterCommit()
    {
        var waiter = await SaveAsync(WaitForEvent(Evt("reminder-sent"), "after", definitionId: "waiter"));
        var publisher = await SaveAsync(Definition(
            [Activity("pub", "Elsa.PublishEvent", ("eventName", Literal(Evt("reminder-sent"))), ("payload", Expr("Object", "{\"by\":\"publisher\"}")))],
            [],
            definitionId: "publisher"));
        var waiting = await Runtime.StartAsync(waiter);

        await Runtime.StartAsync(publisher);

        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(waiting.InstanceId))!.Status);
        Assert.Equal(["after:publisher"], Lines);
    }

    [Fact]
    public async Task Delay_TimerScheduledAfterCommit_ResumesWhenDue()
    {
        var definition = await SaveAsync(Definition(
            [Activity("wait", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))), Activity("after", "Elsa.WriteLine", ("text", Literal("woke")))],
            [Connect("wait", "after")]));
        var started = await Runtime.StartAsync(definition);

        var timer = Assert.Single(Timers.Scheduled);
        Assert.Equal(Clock.GetUtcNow().AddHours(1), timer.ResumeAt);
        Assert.Single(await Store.ListDueTimersAsync(DateTimeOffset.UtcNow.AddYears(1000), null, int.MaxValue));
        Assert.Equal(0, await Runtime.ResumeDueTimersAsync());

        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await Runtime.ResumeDueTimersAsync());
        Assert.Equal(0, await Runtime.ResumeDueTimersAsync());

        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(["woke"], Lines);
    }

    [Theory]
    [InlineData(500)] // one page
    [InlineData(5)] // three pages, each read after the previous page's last timer
    public async Task ResumeDueTimers_ManyDue_ResumeTogetherAndEachFinishesOnce(int pageSize)
    {
        using var services = new ServiceCollection()
            .AddSingleton(Store)
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton(new WorkflowConsole(Console))
            .AddSingleton<IWorkflowTimerScheduler>(Timers)
            .AddAutomationEngine(o => o.ResumeBatchSize = pageSize)
            .BuildServiceProvider();
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        var definition = await SaveAsync(Definition(
            [Activity("wait", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))), Activity("after", "Elsa.WriteLine", ("text", Expr("JavaScript", "return 'woke ' + input.patientId;")))],
            [Connect("wait", "after")], definitionId: $"timers-{pageSize}-{definitionSuffix}"));
        await new AudienceEntry(Store, runtime, Clock).RunAsync($"timers-{pageSize}-{definitionSuffix}", definition, Members(12));
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(12, await runtime.ResumeDueTimersAsync());
        Assert.Equal(0, await runtime.ResumeDueTimersAsync());

        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 100 });
        Assert.All(page.Items, i => Assert.Equal(WorkflowStatus.Finished, i.Status));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => "woke patient-" + i).Order(), Lines.Order());
    }

    [Fact]
    public async Task ResumeDueTimers_TheNextPageRunsWhileThePreviousIsStillInFlight()
    {
        // One timer a page: each instance's run waits until the other's has begun, which only happens when two pages
        // are in flight at once (one page after the other, the first would wait in vain and give up).
        using var services = PagedRuntime(pageSize: 1);
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        var definition = await SaveAsync(Definition(
            [Activity("wait", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))), Activity("meet", "Test.Rendezvous")],
            [Connect("wait", "meet")], definitionId: "overlap-" + definitionSuffix));
        var first = await runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "a-" + definitionSuffix });
        var second = await runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "b-" + definitionSuffix });
        var arrived = 0;
        var bothRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waitedInVain = false;
        async Task Meet()
        {
            if (Interlocked.Increment(ref arrived) == 2)
            {
                bothRunning.TrySetResult();
                return;
            }

            waitedInVain = await Task.WhenAny(bothRunning.Task, Task.Delay(TimeSpan.FromSeconds(10))) != bothRunning.Task;
        }

        Rendezvous.Hooks["a-" + definitionSuffix] = Meet;
        Rendezvous.Hooks["b-" + definitionSuffix] = Meet;
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(2, await runtime.ResumeDueTimersAsync());

        Assert.False(waitedInVain);
        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(first.InstanceId))!.Status);
        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(second.InstanceId))!.Status);
    }

    [Fact]
    public async Task ResumeDueTimers_AnInstanceWithTimersOnTwoPagesInFlight_ResumesEachTimerOnce()
    {
        // Both branches wait an hour; with one timer a page, the instance's two timers are on the two pages in flight.
        using var services = PagedRuntime(pageSize: 1);
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        var definition = await SaveAsync(Definition(
            [
                Activity("fork", "Elsa.FlowFork", ("branches", Expr("Object", "[\"A\",\"B\"]"))),
                Activity("waitA", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))),
                Activity("waitB", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))),
                Activity("join", "Elsa.FlowJoin", ("mode", Literal("WaitAll"))),
                Activity("after", "Elsa.WriteLine", ("text", Literal("joined"))),
            ],
            [Connect("fork", "waitA", "A"), Connect("fork", "waitB", "B"), Connect("waitA", "join"), Connect("waitB", "join"), Connect("join", "after")],
            definitionId: "two-timers-" + definitionSuffix));
        var started = await runtime.StartAsync(definition);
        Assert.Equal(2, started.NewBookmarks.Count);
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(2, await runtime.ResumeDueTimersAsync());

        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(started.InstanceId))!.Status);
        var journal = await Store.GetJournalAsync(started.InstanceId);
        Assert.Single(journal, e => e.ActivityId == "waitA" && e.Event == JournalEvent.Completed);
        Assert.Single(journal, e => e.ActivityId == "waitB" && e.Event == JournalEvent.Completed);
        Assert.Equal(["joined"], Lines);
    }

    private ServiceProvider PagedRuntime(int pageSize) => new ServiceCollection()
        .AddSingleton(Store)
        .AddSingleton<TimeProvider>(Clock)
        .AddSingleton(new WorkflowConsole(Console))
        .AddSingleton<IWorkflowTimerScheduler>(Timers)
        .AddSingleton(Registry(typeof(Rendezvous)))
        .AddAutomationEngine(o => o.ResumeBatchSize = pageSize)
        .BuildServiceProvider();

    [Fact]
    public async Task ResumeBatch_RacingAnotherBatchOverTheSameTimers_CommitsEachInstanceOnce()
    {
        var definition = await SaveAsync(Definition(
            [Activity("wait", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))), Activity("after", "Elsa.WriteLine", ("text", Literal("woke")))],
            [Connect("wait", "after")], definitionId: "race-" + definitionSuffix));
        await new AudienceEntry(Store, Runtime, Clock).RunAsync("race-" + definitionSuffix, definition, Members(40));
        Clock.Advance(TimeSpan.FromHours(1));
        var ours = Enumerable.Range(0, 40).Select(i => AudienceEntry.InstanceIdFor("race-" + definitionSuffix, "patient-" + i)).ToHashSet();
        var due = (await Store.ListDueTimersAsync(Clock.GetUtcNow(), null, int.MaxValue)).Where(t => ours.Contains(t.InstanceId)).ToList();
        Assert.Equal(40, due.Count);

        // Both batches run every instance; whichever commits second meets changed revisions and falls back to single
        // resumes, which find the timers gone. Committed results are what count.
        var results = await Task.WhenAll(Runtime.ResumeBatchAsync(due), Runtime.ResumeBatchAsync(due));

        Assert.Equal(40, results.Sum(r => r.Count));
        Assert.Equal(40, results.SelectMany(r => r).Select(r => r.InstanceId).Distinct().Count());
        foreach (var timer in due)
        {
            var journal = await Store.GetJournalAsync(timer.InstanceId);
            Assert.Single(journal, e => e.ActivityId == "after" && e.Event == JournalEvent.Completed);
        }
    }

    [Fact]
    public async Task ResumeBatch_AnInstanceMovedOnDuringTheBatch_OnlyItIsRedone_TheOthersCommitAsRun()
    {
        // One at a time, in order: "moved" runs first; then "meddler"'s run cancels "moved" in the store, so the batch's
        // commit meets a changed revision for "moved" only.
        using var services = new ServiceCollection()
            .AddSingleton(Store)
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton(new WorkflowConsole(Console))
            .AddSingleton(Registry(typeof(Rendezvous)))
            .AddAutomationEngine(o => o.BatchParallelism = 1)
            .BuildServiceProvider();
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        var definition = await SaveAsync(Definition(
            [Activity("wait", "Elsa.Delay", ("timeSpan", Literal("01:00:00"))), Activity("meddle", "Test.Rendezvous")],
            [Connect("wait", "meddle")], definitionId: "meddle-" + definitionSuffix));
        var moved = await runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "moved-" + definitionSuffix });
        var meddler = await runtime.StartAsync(definition, new StartWorkflowOptions { CorrelationId = "meddler-" + definitionSuffix });
        var meddlerRuns = 0;
        Rendezvous.Hooks["meddler-" + definitionSuffix] = async () =>
        {
            meddlerRuns++;
            await runtime.CancelAsync(moved.InstanceId);
        };
        Clock.Advance(TimeSpan.FromHours(1));

        var results = await runtime.ResumeBatchAsync([moved.NewBookmarks.Single(), meddler.NewBookmarks.Single()]);

        Assert.Equal(meddler.InstanceId, Assert.Single(results).InstanceId);
        Assert.Equal(WorkflowStatus.Finished, (await Store.GetInstanceAsync(meddler.InstanceId))!.Status);
        Assert.Equal(WorkflowStatus.Cancelled, (await Store.GetInstanceAsync(moved.InstanceId))!.Status);
        Assert.Single(await Store.GetJournalAsync(meddler.InstanceId), e => e.ActivityId == "meddle" && e.Event == JournalEvent.Completed);
        Assert.DoesNotContain(await Store.GetJournalAsync(moved.InstanceId), e => e.ActivityId == "meddle");
        Assert.Equal(1, meddlerRuns); // its run was committed as it was, not run again
    }

    /// <summary>Runs the hook registered for its instance's correlation id (tests of both stores may run at once), then completes.</summary>
    [Automation.Engine.Activities.Activity("Test", "Test", "Calls a test hook by correlation id.")]
    public sealed class Rendezvous : Automation.Engine.Activities.Activity
    {
        public static System.Collections.Concurrent.ConcurrentDictionary<string, Func<Task>> Hooks { get; } = new();

        public override async ValueTask ExecuteAsync(Automation.Engine.Activities.ActivityExecutionContext context)
        {
            if (context.CorrelationId is { } id && Hooks.TryGetValue(id, out var hook))
            {
                await hook();
            }

            context.Complete();
        }
    }

    private static Automation.Engine.Descriptors.ActivityRegistry Registry(Type activity)
    {
        var registry = new Automation.Engine.Descriptors.ActivityRegistry();
        registry.Register(activity);
        return registry;
    }

    [Fact]
    public async Task AudienceEntry_WithAScreen_KeepsExcludedMembersOut_AndCountsThem()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("engaged"), "after"));
        var screen = new OddPatientsScreen();
        var entry = new AudienceEntry(Store, Runtime, Clock) { BatchSize = 4, Screen = screen };

        var run = await entry.RunAsync("run-screen-" + definitionSuffix, definition, Members(10));

        Assert.Equal(("completed", 10L, 5L, 0L, 5L), (run.Status, run.Position, run.Entered, run.Skipped, run.Excluded));
        Assert.Equal(5L, (await Store.GetAudienceRunAsync(run.RunId))!.Excluded);
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 100 });
        Assert.Equal(["patient-0", "patient-2", "patient-4", "patient-6", "patient-8"], page.Items.Select(i => i.CorrelationId!).Order());
        Assert.Equal(10, screen.Seen); // every member was screened once, a batch at a time
    }

    /// <summary>Keeps out members whose number is odd.</summary>
    private sealed class OddPatientsScreen : IAudienceScreen
    {
        private int seen;

        public int Seen => Volatile.Read(ref seen);

        public Task<IReadOnlySet<string>> ExcludeAsync(WorkflowDefinition definition, string? entryActivityId, IReadOnlyList<AudienceMember> members, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref seen, members.Count); // two batches may be screened at once
            return Task.FromResult<IReadOnlySet<string>>(members.Where(m => int.Parse(m.CorrelationId["patient-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1).Select(m => m.CorrelationId).ToHashSet());
        }
    }

    [Fact]
    public async Task Cancel_SuspendedInstance_DropsBookmarksSoLateStimuliDoNothing()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("go"), "after"));
        var started = await Runtime.StartAsync(definition);

        var cancelled = await Runtime.CancelAsync(started.InstanceId);

        Assert.Equal(WorkflowStatus.Cancelled, cancelled!.Status);
        Assert.Null(await Runtime.ResumeAsync(started.NewBookmarks[0].Id));
        Assert.Empty(await Runtime.PublishEventAsync(Evt("go"), null, null));
        Assert.Empty(Lines);
    }

    [Fact]
    public async Task Start_InvalidDefinition_ThrowsAndStoresNoInstance()
    {
        var definition = await SaveAsync(Definition([Activity("x", "Acme.Missing")], []));

        await Assert.ThrowsAsync<WorkflowValidationException>(() => Runtime.StartAsync(definition));

        Assert.Equal(0, (await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId })).TotalCount);
    }

    [Fact]
    public async Task Start_FaultingWorkflow_PersistsIncidentAndJournal()
    {
        var definition = await SaveAsync(Definition([Activity("boom", "Elsa.Fault", ("message", Literal("bad data")))], []));

        var result = await Runtime.StartAsync(definition);

        var stored = (await Store.GetInstanceAsync(result.InstanceId))!;
        Assert.Equal(WorkflowStatus.Faulted, stored.Status);
        Assert.Contains("bad data", Assert.Single(stored.Incidents).Message);
        Assert.Contains(await Store.GetJournalAsync(result.InstanceId), e => e.Event == JournalEvent.Faulted && e.ActivityId == "boom");
    }

    [Fact]
    public async Task AudienceEntry_StartsOneCorrelatedInstancePerPatient_AndSkipsPatientsAlreadyInTheJourney()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("engaged"), "after"));
        var entry = new AudienceEntry(Store, Runtime, Clock) { BatchSize = 4 };
        var first = await entry.RunAsync("run-a-" + definitionSuffix, definition, Members(10));

        Assert.Equal(("completed", 10L, 10L, 0L), (first.Status, first.Position, first.Entered, first.Skipped));
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 100 });
        Assert.Equal(10, page.TotalCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "patient-" + i).Order(), page.Items.Select(i => i.CorrelationId!).Order());

        // A second audience for the same journey overlaps: patients 5-9 are still in the journey (suspended), so only 10-14 enter.
        var second = await entry.RunAsync("run-b-" + definitionSuffix, definition, Members(15).Skip(5));
        Assert.Equal((5L, 5L), (second.Entered, second.Skipped));
        Assert.Equal(15, (await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 0 })).TotalCount);
    }

    [Fact]
    public async Task AudienceEntry_CrashMidStream_ResumesWithoutDuplicateInstances()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("engaged"), "after"));
        var entry = new AudienceEntry(Store, Runtime, Clock) { BatchSize = 4 };
        var runId = "run-crash-" + definitionSuffix;

        // The stream dies after 10 members: two batches of 4 are committed, the third is lost with the "process".
        await Assert.ThrowsAsync<IOException>(() => entry.RunAsync(runId, definition, Members(20, failAfter: 10)));
        var crashed = await Store.GetAudienceRunAsync(runId);
        Assert.Equal(("failed", 8L, 8L), (crashed!.Status, crashed.Position, crashed.Entered));

        // The saved position lags one batch behind what was committed (a crash between commit and progress save).
        await Store.SaveAudienceRunAsync(crashed with { Position = 4, Entered = 4 });
        var resumed = await entry.RunAsync(runId, definition, Members(20));

        Assert.Equal(("completed", 20L, 20L), (resumed.Status, resumed.Position, resumed.Entered + resumed.Skipped));
        Assert.Equal(4L, resumed.Skipped);
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 100 });
        Assert.Equal(20, page.TotalCount);
        Assert.Equal(20, page.Items.Select(i => i.CorrelationId).Distinct().Count());
    }

    [Fact]
    public async Task AudienceEntry_TheNextBatchIsScreenedWhileThePreviousIsStillInFlight()
    {
        // The first batch's screen waits until the second batch's screen has begun: that only happens when the next
        // batch enters while the previous one is still in flight (one batch after the other, it would wait in vain).
        var definition = await SaveAsync(WaitForEvent(Evt("engaged"), "after"));
        var screen = new MeetingScreen();
        var entry = new AudienceEntry(Store, Runtime, Clock) { BatchSize = 4, Screen = screen };

        var run = await entry.RunAsync("run-overlap-" + definitionSuffix, definition, Members(8));

        Assert.False(screen.WaitedInVain);
        Assert.Equal(("completed", 8L, 8L), (run.Status, run.Position, run.Entered));
    }

    [Fact]
    public async Task AudienceEntry_AMemberInTwoConsecutiveBatches_IsEnteredOnce()
    {
        // patient-3 closes the first batch of four and opens the second: the second batch's re-entry check must see the
        // first batch's instance, although the first may still be committing.
        var definition = await SaveAsync(WaitForEvent(Evt("engaged"), "after"));
        var entry = new AudienceEntry(Store, Runtime, Clock) { BatchSize = 4 };

        var run = await entry.RunAsync("run-repeat-" + definitionSuffix, definition, MembersNumbered(0, 1, 2, 3, 3, 4, 5, 6));

        Assert.Equal(("completed", 8L, 7L, 1L), (run.Status, run.Position, run.Entered, run.Skipped));
        var page = await Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Take = 100 });
        Assert.Equal(7, page.Items.Count(i => i.CorrelationId!.StartsWith("patient-", StringComparison.Ordinal)));
    }

    /// <summary>Admits everyone; the first call waits (up to 10 s) until a second call has begun.</summary>
    private sealed class MeetingScreen : IAudienceScreen
    {
        private readonly TaskCompletionSource second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int calls;

        public bool WaitedInVain { get; private set; }

        public async Task<IReadOnlySet<string>> ExcludeAsync(WorkflowDefinition definition, string? entryActivityId, IReadOnlyList<AudienceMember> members, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                WaitedInVain = await Task.WhenAny(second.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)) != second.Task;
            }
            else
            {
                second.TrySetResult();
            }

            return new HashSet<string>();
        }
    }

    private static async IAsyncEnumerable<AudienceMember> MembersNumbered(params int[] numbers)
    {
        foreach (var i in numbers)
        {
            await Task.Yield();
            yield return new AudienceMember("patient-" + i, new Dictionary<string, object?> { ["patientId"] = "patient-" + i });
        }
    }

    [Fact]
    public async Task AudienceEntry_RunIdOfAnotherJourney_IsRefused()
    {
        var one = await SaveAsync(WaitForEvent(Evt("one"), "after", definitionId: "one"));
        var other = await SaveAsync(WaitForEvent(Evt("other"), "after", definitionId: "other"));
        var entry = new AudienceEntry(Store, Runtime, Clock);
        await entry.RunAsync("shared-" + definitionSuffix, one, Members(2));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => entry.RunAsync("shared-" + definitionSuffix, other, Members(2)));
        Assert.Contains("belongs to journey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AudienceEntry_WithAFixedInstanceScope_EntersEachMemberOnceAcrossRuns_EvenAfterItsInstanceFinished()
    {
        var definition = await SaveAsync(Definition([Activity("hello", "Elsa.WriteLine", ("text", Literal("reminded")))], []));
        var sweep = new AudienceEntry(Store, Runtime, Clock) { InstanceScope = "reminder-sweep-" + definitionSuffix };

        var monday = await sweep.RunAsync("monday-" + definitionSuffix, definition, Members(3));
        var tuesday = await sweep.RunAsync("tuesday-" + definitionSuffix, definition, Members(5));

        Assert.Equal((3L, 0L), (monday.Entered, monday.Skipped));
        Assert.Equal((2L, 3L), (tuesday.Entered, tuesday.Skipped));
        Assert.Equal(5, Lines.Count(l => l == "reminded"));
    }

    [Fact]
    public async Task JourneyStatistics_CountInstancesPerStatusAndPerStepOutcome()
    {
        var definition = await SaveAsync(WaitForEvent(Evt("engaged"), "after"));
        await new AudienceEntry(Store, Runtime, Clock).RunAsync("run-stats-" + definitionSuffix, definition, Members(5));
        await Runtime.PublishEventAsync(Evt("engaged"), "patient-1", new Dictionary<string, object?> { ["by"] = "email" });
        await Runtime.PublishEventAsync(Evt("engaged"), "patient-3", new Dictionary<string, object?> { ["by"] = "email" });

        var statistics = await Store.GetJourneyStatisticsAsync(definition.DefinitionId);

        Assert.Equal(3L, statistics.Statuses[WorkflowStatus.Suspended]);
        Assert.Equal(2L, statistics.Statuses[WorkflowStatus.Finished]);
        Assert.Equal(5L, statistics.Steps.Single(s => s.ActivityId == "wait" && s.Outcome is null).Instances);
        Assert.Equal(2L, statistics.Steps.Single(s => s.ActivityId == "wait" && s.Outcome == "Done").Instances);
        Assert.Equal(2L, statistics.Steps.Single(s => s.ActivityId == "after" && s.Outcome is null).Instances);
        // "after" started and completed in one commit: one stored row counts for both.
        Assert.Equal(2L, statistics.Steps.Single(s => s.ActivityId == "after" && s.Outcome == "Done").Instances);
        Assert.Empty(await Store.GetJourneyStatisticsAsync("no-such-journey") is { } none ? none.Steps : []);
    }

    private static async IAsyncEnumerable<AudienceMember> Members(int count, int failAfter = int.MaxValue)
    {
        for (var i = 0; i < count; i++)
        {
            if (i == failAfter)
            {
                throw new IOException("population file truncated");
            }

            await Task.Yield();
            yield return new AudienceMember("patient-" + i, new Dictionary<string, object?> { ["patientId"] = "patient-" + i });
        }
    }

    // Tests share a store per class, so names are made unique per test to keep them independent.
    private readonly string definitionSuffix = Guid.NewGuid().ToString("N")[..8];

    private string Evt(string name) => name + "-" + definitionSuffix;

    private async Task<WorkflowDefinition> SaveAsync(WorkflowDefinition definition)
    {
        definition.DefinitionId += "-" + definitionSuffix;
        definition.Id = definition.DefinitionId + "-v1";
        definition.IsLatest = true;
        await Store.SaveDefinitionAsync(definition);
        return definition;
    }

    private static WorkflowDefinition WaitForEvent(string eventName, string afterId, string definitionId = "wait-for-event") => Definition(
        [
            Activity("start", "Elsa.Start"),
            Activity("wait", "Elsa.Event", ("eventName", Literal(eventName))),
            Activity(afterId, "Elsa.WriteLine", ("text", Expr("JavaScript", "return 'after:' + outputs.wait.Result.by;"))),
        ],
        [Connect("start", "wait"), Connect("wait", afterId)],
        definitionId);

    private static JsonObject Literal(string value) => Expr("Literal", value);

    private static JsonObject Expr(string syntax, string value) => new()
    {
        ["typeName"] = "String",
        ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = value },
    };

    private static JsonObject Activity(string id, string type, params (string Name, JsonNode Value)[] inputs)
    {
        var activity = new JsonObject { ["id"] = id, ["type"] = type };
        foreach (var (name, value) in inputs)
        {
            activity[name] = value;
        }

        return activity;
    }

    private static JsonObject Connect(string source, string target, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    private static WorkflowDefinition Definition(JsonObject[] activities, JsonObject[] connections, string definitionId = "scenario") =>
        WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = definitionId,
            ["version"] = 1,
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
                ["connections"] = new JsonArray(connections.Select(c => (JsonNode)c).ToArray()),
            },
        });

    public void Dispose()
    {
        services?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Records the timers the runtime hands to the scheduler (the server's Quartz scheduler in production).</summary>
public sealed class RecordingTimerScheduler : IWorkflowTimerScheduler
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

public sealed class SqliteWorkflowRuntimeScenarioTests(SqliteStoreFixture fixture) : WorkflowRuntimeScenarioTests, IClassFixture<SqliteStoreFixture>
{
    protected override IWorkflowStore Store => fixture.Store;
}

public sealed class PostgresWorkflowRuntimeScenarioTests(PostgresStoreFixture fixture) : WorkflowRuntimeScenarioTests, IClassFixture<PostgresStoreFixture>
{
    protected override IWorkflowStore Store => fixture.Store;
}
