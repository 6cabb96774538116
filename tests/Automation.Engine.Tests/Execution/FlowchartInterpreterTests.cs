using System.Text.Json.Nodes;
using Automation.Engine.Execution;
using Automation.Engine.Tests.Support;

namespace Automation.Engine.Tests.Execution;

public sealed class FlowchartInterpreterTests
{
    private static JsonArray Variables(params (string Name, string Type, object? Value)[] variables) =>
        new(variables.Select(v => (JsonNode)new JsonObject { ["id"] = v.Name + "-id", ["name"] = v.Name, ["typeName"] = v.Type, ["value"] = v.Value?.ToString() }).ToArray());

    [Fact]
    public async Task Start_Sequence_RunsInOrderAndJournalsStartAndCompletion()
    {
        using var engine = new TestEngine();
        var result = await engine.RunAsync(Flow.Sequence(Flow.WriteLine("a", "one"), Flow.WriteLine("b", "two"), Flow.WriteLine("c", "three")));

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["one", "two", "three"], engine.Lines);
        Assert.Equal(6, result.Journal.Count);
        Assert.Equal([JournalEvent.Started, JournalEvent.Completed], result.Journal.Take(2).Select(e => e.Event));
        Assert.Equal("Done", result.Journal[1].Outcomes);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), result.Journal.Select(e => e.Sequence));
        Assert.Equal("Workflow1:root:b", result.Journal[2].ActivityNodeId);
        Assert.NotNull(result.State.FinishedAt);
    }

    [Fact]
    public async Task Start_NoStartActivity_BeginsAtActivitiesWithoutInboundConnections()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [Flow.WriteLine("second", "2"), Flow.WriteLine("first", "1"), Flow.WriteLine("other-root", "r")],
            [Flow.Connect("first", "second")]);

        await engine.RunAsync(definition);

        Assert.Equal(["1", "r", "2"], engine.Lines);
    }

    [Theory]
    [InlineData(5, "big")]
    [InlineData(1, "small")]
    public async Task FlowDecision_JavaScriptCondition_FollowsTrueOrFalse(int amount, string expected)
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [
                Flow.Activity("decide", "Elsa.FlowDecision", ("condition", Flow.Expr("JavaScript", "return input.amount > 3;", "Boolean"))),
                Flow.WriteLine("big", "big"),
                Flow.WriteLine("small", "small"),
            ],
            [Flow.Connect("decide", "big", "True"), Flow.Connect("decide", "small", "False")]);

        await engine.RunAsync(definition, new Dictionary<string, object?> { ["amount"] = amount });

        Assert.Equal([expected], engine.Lines);
    }

    [Fact]
    public async Task FlowDecision_ConditionAsStringBoolean_IsAccepted()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [Flow.Activity("decide", "Elsa.FlowDecision", ("condition", Flow.Literal("True", "Boolean"))), Flow.WriteLine("yes", "yes")],
            [Flow.Connect("decide", "yes", "True")]);

        await engine.RunAsync(definition);

        Assert.Equal(["yes"], engine.Lines);
    }

    [Theory]
    [InlineData("gold", "MatchFirst", new[] { "gold" })]
    [InlineData("gold", "MatchAny", new[] { "gold", "any-metal" })]
    [InlineData("wood", "MatchFirst", new[] { "default" })]
    public async Task FlowSwitch_Cases_FollowMatchingLabelsOrDefault(string material, string mode, string[] expected)
    {
        using var engine = new TestEngine();
        var cases = new JsonArray(
            new JsonObject { ["label"] = "Gold", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "input.material === 'gold'" } },
            new JsonObject { ["label"] = "Metal", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "input.material !== 'wood'" } });
        var definition = Flow.Definition(
            [
                Flow.Activity("switch", "Elsa.FlowSwitch", ("cases", cases), ("mode", Flow.Literal(mode))),
                Flow.WriteLine("gold", "gold"), Flow.WriteLine("metal", "any-metal"), Flow.WriteLine("default", "default"),
            ],
            [Flow.Connect("switch", "gold", "Gold"), Flow.Connect("switch", "metal", "Metal"), Flow.Connect("switch", "default", "Default")]);

        await engine.RunAsync(definition, new Dictionary<string, object?> { ["material"] = material });

        Assert.Equal(expected, engine.Lines);
    }

    [Theory]
    [InlineData("WaitAll", new[] { "a", "b", "after-join" })]
    [InlineData("WaitAny", new[] { "a", "b", "after-join" })]
    public async Task FlowJoin_AfterFork_RunsOnceInBothModes(string mode, string[] expected)
    {
        using var engine = new TestEngine();
        var definition = ForkJoin(mode, delayBranchB: false);

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(expected, engine.Lines);
    }

    [Fact]
    public async Task FlowJoin_WaitAllWithDelayedBranch_ContinuesOnlyAfterResume()
    {
        using var engine = new TestEngine();
        var definition = ForkJoin("WaitAll", delayBranchB: true);

        var first = await engine.RunAsync(definition);
        Assert.Equal(WorkflowStatus.Suspended, first.Status);
        Assert.Equal(["a"], engine.Lines);

        var resumed = await engine.Invoker.ResumeAsync(definition, first.State, first.State.Bookmarks.Single(), null);

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Equal(["a", "b", "after-join"], engine.Lines);
    }

    [Fact]
    public async Task FlowJoin_WaitAnyWithDelayedBranch_ContinuesAtOnceAndNotAgain()
    {
        using var engine = new TestEngine();
        var definition = ForkJoin("WaitAny", delayBranchB: true);

        var first = await engine.RunAsync(definition);
        Assert.Equal(["a", "after-join"], engine.Lines);
        var resumed = await engine.Invoker.ResumeAsync(definition, first.State, first.State.Bookmarks.Single(), null);

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Equal(["a", "after-join", "b"], engine.Lines);
    }

    private static Automation.Engine.Definitions.WorkflowDefinition ForkJoin(string mode, bool delayBranchB)
    {
        var activities = new List<JsonObject>
        {
            Flow.Activity("fork", "Elsa.FlowFork", ("branches", Flow.Expr("Object", "[\"A\",\"B\"]", "String[]"))),
            Flow.WriteLine("a", "a"), Flow.WriteLine("b", "b"),
            Flow.Activity("join", "Elsa.FlowJoin", ("mode", Flow.Literal(mode))),
            Flow.WriteLine("after", "after-join"),
        };
        var connections = new List<JsonObject> { Flow.Connect("fork", "a", "A"), Flow.Connect("a", "join"), Flow.Connect("b", "join"), Flow.Connect("join", "after") };
        if (delayBranchB)
        {
            activities.Add(Flow.Activity("wait", "Elsa.Delay", ("timeSpan", Flow.Literal("00:10:00", "TimeSpan"))));
            connections.Add(Flow.Connect("fork", "wait", "B"));
            connections.Add(Flow.Connect("wait", "b"));
        }
        else
        {
            connections.Add(Flow.Connect("fork", "b", "B"));
        }

        return Flow.Definition(activities, connections);
    }

    [Fact]
    public async Task Loop_WithoutExit_FaultsWithStepBudgetIncident()
    {
        using var engine = new TestEngine(o => o.MaxStepsPerRun = 50);
        var definition = Flow.Definition(
            [Flow.WriteLine("a", "tick"), Flow.Activity("b", "Elsa.SetVariable", ("variable", new JsonObject { ["id"] = "n-id", ["name"] = "n" }), ("value", Flow.Literal("1")))],
            [Flow.Connect("a", "b"), Flow.Connect("b", "a")],
            Variables(("n", "Int32", null)));
        // With every activity on the cycle there is no root, so add a Start.
        definition.Root.Json["activities"]!.AsArray().Add(Flow.Activity("start", "Elsa.Start"));
        definition.Root.Json["connections"]!.AsArray().Add(Flow.Connect("start", "a"));
        definition = Automation.Engine.Definitions.WorkflowDefinitionJson.Parse(definition.Document.ToJsonString());

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.State.Incidents);
        Assert.Contains("step budget of 50", incident.Message);
        Assert.Equal(25, engine.Lines.Length);
    }

    [Fact]
    public async Task Loop_WithExitCondition_IteratesUntilConditionTurns()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [
                Flow.Activity("start", "Elsa.Start"),
                Flow.Activity("inc", "Elsa.SetVariable", ("variable", new JsonObject { ["id"] = "n-id", ["name"] = "n" }), ("value", Flow.Expr("JavaScript", "return variables.n + 1;"))),
                Flow.Activity("print", "Elsa.WriteLine", ("text", Flow.Expr("Liquid", "n={{ Variables.n }}", "String"))),
                Flow.Activity("more", "Elsa.FlowDecision", ("condition", Flow.Expr("JavaScript", "return getVariable('n') < 3;", "Boolean"))),
            ],
            [Flow.Connect("start", "inc"), Flow.Connect("inc", "print"), Flow.Connect("print", "more"), Flow.Connect("more", "inc", "True")],
            Variables(("n", "Int32", 0)));

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["n=1", "n=2", "n=3"], engine.Lines);
        Assert.Equal(3L, Assert.IsType<long>(result.State.Variables["n"]));
    }

    [Fact]
    public async Task ActivityThatFails_FaultsInstanceWithIncidentNamingActivityAndInput()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(
            Flow.Activity("boom", "Elsa.WriteLine", ("text", Flow.Expr("JavaScript", "return undefinedThing.value;", "String"))),
            Flow.WriteLine("after", "never"));

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.State.Incidents);
        Assert.Equal("boom", incident.ActivityId);
        Assert.Equal("Elsa.WriteLine", incident.ActivityType);
        Assert.Contains("Input 'Text'", incident.Message);
        Assert.Contains(result.Journal, e => e.Event == JournalEvent.Faulted && e.ActivityId == "boom");
        Assert.Empty(engine.Lines);
    }

    [Fact]
    public async Task ConversionFailure_IncidentNamesTypesButNotTheValue()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(Flow.Activity("wait", "Elsa.Delay", ("timeSpan", Flow.Expr("JavaScript", "return 'Jane Doe, MRN 12345';", "TimeSpan"))));

        var result = await engine.RunAsync(definition);

        var incident = Assert.Single(result.State.Incidents);
        Assert.Contains("cannot be converted to TimeSpan", incident.Message);
        Assert.DoesNotContain("Jane", incident.Message);
        Assert.DoesNotContain("12345", incident.Message);
    }

    [Fact]
    public async Task ContinueWithIncidentsStrategy_OtherBranchesFinish()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [
                Flow.Activity("fork", "Elsa.FlowFork", ("branches", Flow.Expr("Object", "[\"A\",\"B\"]"))),
                Flow.Activity("fault", "Elsa.Fault", ("message", Flow.Literal("broken"))),
                Flow.WriteLine("ok", "still here"),
            ],
            [Flow.Connect("fork", "fault", "A"), Flow.Connect("fork", "ok", "B")],
            options: new JsonObject { ["incidentStrategyType"] = "Elsa.Workflows.IncidentStrategies.ContinueWithIncidentsStrategy, Elsa.Workflows.Core" });

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Single(result.State.Incidents);
        Assert.Contains("broken", result.State.Incidents[0].Message);
        Assert.Equal(["still here"], engine.Lines);
    }

    [Fact]
    public async Task Delay_SuspendsWithTimerFromClock_ResumeCompletes()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(Flow.Activity("wait", "Elsa.Delay", ("timeSpan", Flow.Literal("PT72H", "TimeSpan"))), Flow.WriteLine("after", "done"));

        var first = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Suspended, first.Status);
        var bookmark = Assert.Single(first.State.Bookmarks);
        Assert.Equal(engine.Clock.GetUtcNow().AddHours(72), bookmark.ResumeAt);
        Assert.Equal("Elsa.Delay", bookmark.Name);
        Assert.Equal(JournalEvent.Suspended, first.Journal[^1].Event);

        engine.Clock.Advance(TimeSpan.FromHours(72));
        var resumed = await engine.Invoker.ResumeAsync(definition, first.State, bookmark, null);

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Empty(resumed.State.Bookmarks);
        Assert.Equal(JournalEvent.Resumed, resumed.Journal[0].Event);
        Assert.Equal(["done"], engine.Lines);
    }

    [Fact]
    public async Task Delay_WithoutTimeSpanKey_UsesDefaultOfOneMinute()
    {
        using var engine = new TestEngine();

        var result = await engine.RunAsync(Flow.Sequence(Flow.Activity("wait", "Elsa.Delay")));

        Assert.Equal(engine.Clock.GetUtcNow().AddMinutes(1), result.State.Bookmarks.Single().ResumeAt);
    }

    [Fact]
    public async Task Finish_DropsPendingBranchesAndBookmarks()
    {
        using var engine = new TestEngine();
        var definition = Flow.Definition(
            [
                Flow.Activity("fork", "Elsa.FlowFork", ("branches", Flow.Expr("Object", "[\"Wait\",\"Stop\"]"))),
                Flow.Activity("wait", "Elsa.Event", ("eventName", Flow.Literal("never"))),
                Flow.Activity("finish", "Elsa.Finish"),
            ],
            [Flow.Connect("fork", "wait", "Wait"), Flow.Connect("fork", "finish", "Stop")]);

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Empty(result.State.Bookmarks);
    }

    [Fact]
    public async Task Event_SuspendsWithHashOfEventName_ResumeSetsResult()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(
            Flow.Activity("correlate", "Elsa.Correlate", ("correlationId", Flow.Literal("patient-42"))),
            Flow.Activity("wait", "Elsa.Event", ("eventName", Flow.Literal("confirmed"))),
            Flow.Activity("print", "Elsa.WriteLine", ("text", Flow.Expr("JavaScript", "return 'got ' + outputs.wait.Result.answer;", "String"))));

        var first = await engine.RunAsync(definition);
        var bookmark = Assert.Single(first.State.Bookmarks);

        Assert.Equal(Automation.Engine.Bookmarks.BookmarkHasher.Hash("Elsa.Event", new Automation.Engine.Bookmarks.EventPayload("confirmed")), bookmark.Hash);
        Assert.Equal("patient-42", bookmark.CorrelationId);
        var resumed = await engine.Invoker.ResumeAsync(definition, first.State, bookmark, new Dictionary<string, object?> { ["answer"] = "yes" });
        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Equal(["got yes"], engine.Lines);
    }

    [Fact]
    public async Task PublishEvent_IsReportedForDispatchAfterCommit()
    {
        using var engine = new TestEngine();
        var definition = Flow.Sequence(Flow.Activity("pub", "Elsa.PublishEvent", ("eventName", Flow.Literal("reminder-sent")), ("payload", Flow.Expr("Object", "{\"n\":1}"))));

        var result = await engine.RunAsync(definition);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        var published = Assert.Single(result.PublishedEvents);
        Assert.Equal("reminder-sent", published.EventName);
        Assert.Equal(1L, Assert.IsType<long>(((Dictionary<string, object?>)published.Payload!)["n"]));
    }

    [Fact]
    public async Task Cron_SuspendsUntilNextOccurrence()
    {
        using var engine = new TestEngine();

        var result = await engine.RunAsync(Flow.Sequence(Flow.Activity("cron", "Elsa.Cron", ("cronExpression", Flow.Literal("0 9 * * *")))));

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), result.State.Bookmarks.Single().ResumeAt);
    }

    [Theory]
    [InlineData("2026-11-27T07:00:00Z", WorkflowStatus.Finished)]
    [InlineData("2026-11-28T07:00:00Z", WorkflowStatus.Suspended)]
    public async Task StartAt_PastInstantCompletes_FutureInstantSuspends(string at, WorkflowStatus expected)
    {
        using var engine = new TestEngine();

        var result = await engine.RunAsync(Flow.Sequence(Flow.Activity("at", "Elsa.StartAt", ("dateTime", Flow.Literal(at, "DateTimeOffset")))));

        Assert.Equal(expected, result.Status);
    }
}
