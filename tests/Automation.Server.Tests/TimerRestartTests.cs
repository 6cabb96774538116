using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Automation.Server.Tests;

public sealed class TimerRestartTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-server-").FullName;
    private readonly string workflows = Path.Combine(AppContext.BaseDirectory, "Workflows");
    private readonly StringWriter console = new();

    [Fact]
    public async Task Delay_HostStoppedBeforeDueAndRestartedAfter_CompletesExactlyOnce()
    {
        string instanceId;
        await using (var first = new ServerFactory(data, workflows, console))
        {
            var client = await first.SignedInClientAsync();
            var response = await client.PostAsJsonAsync("/api/workflows/delay-then-write/execute", new { input = new { } });
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Suspended", body.GetProperty("status").GetString());
            instanceId = body.GetProperty("instanceId").GetString()!;
        }

        // The host is down while the one-second timer falls due.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.DoesNotContain("timer fired", console.ToString(), StringComparison.Ordinal);

        await using (var second = new ServerFactory(data, workflows, console))
        {
            var state = await WaitForAsync(second, instanceId, WorkflowStatus.Finished);
            Assert.Equal(WorkflowStatus.Finished, state.Status);
        }

        await using (var third = new ServerFactory(data, workflows, console))
        {
            var store = third.Services.GetRequiredService<IWorkflowStore>();
            await third.CreateClient().GetAsync("/health/ready");
            var journal = await store.GetJournalAsync(instanceId);
            Assert.Single(journal, e => e.ActivityId == "done" && e.Event == JournalEvent.Completed);
            Assert.Empty(await store.ListDueTimersAsync(DateTimeOffset.UtcNow.AddYears(1000), null, int.MaxValue));
        }

        Assert.Equal(1, console.ToString().Split('\n').Count(l => l.Trim() == "timer fired"));
    }

    [Fact]
    public async Task Delay_RestartedBeforeDue_FiresAtItsTime()
    {
        string instanceId;
        await using (var first = new ServerFactory(data, workflows, console))
        {
            var response = await (await first.SignedInClientAsync()).PostAsJsonAsync("/api/workflows/delay-then-write/execute", new { });
            instanceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        }

        await using var second = new ServerFactory(data, workflows, console);
        var state = await WaitForAsync(second, instanceId, WorkflowStatus.Finished);

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(1, console.ToString().Split('\n').Count(l => l.Trim() == "timer fired"));
    }

    [Fact]
    public async Task Delay_StoredByANodeThatStops_FiresOnAnotherNodeThatSawNoTimerAtItsStart()
    {
        // Only the delay journey: the every-second journeys would keep the idle node waking up for timers of its own.
        var delayOnly = Directory.CreateDirectory(Path.Combine(data, "delay-only")).FullName;
        File.Copy(Path.Combine(workflows, "delay-then-write.json"), Path.Combine(delayOnly, "delay-then-write.json"));
        var settings = new Dictionary<string, string> { ["Automation:Timers:PollInterval"] = "00:00:00.5" };
        await using var idle = new ServerFactory(data, delayOnly, console, settings);
        Assert.Equal(HttpStatusCode.OK, (await idle.CreateClient().GetAsync("/health/ready")).StatusCode);
        Assert.Null(await idle.Services.GetRequiredService<IWorkflowStore>().NextTimerDueAsync());

        string instanceId;
        await using (var stopping = new ServerFactory(data, delayOnly, console, settings))
        {
            var response = await (await stopping.SignedInClientAsync()).PostAsJsonAsync("/api/workflows/delay-then-write/execute", new { });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Suspended", body.GetProperty("status").GetString());
            instanceId = body.GetProperty("instanceId").GetString()!;
        }

        var state = await WaitForAsync(idle, instanceId, WorkflowStatus.Finished);

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(1, console.ToString().Split('\n').Count(l => l.Trim() == "timer fired"));
    }

    [Fact]
    public async Task ManyWaitingTimers_QuartzHoldsOneWakeUp_AndEachTimerFiresOnce()
    {
        await using var server = new ServerFactory(data, workflows, console);
        var client = await server.SignedInClientAsync();
        var started = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var response = await client.PostAsJsonAsync("/api/workflows/delay-then-write/execute", new { });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        }));
        var scheduler = await server.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var wakeUps = await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(Automation.Server.Scheduling.QuartzTimerScheduler.Group));

        var states = new List<WorkflowState>();
        foreach (var instanceId in started)
        {
            states.Add(await WaitForAsync(server, instanceId, WorkflowStatus.Finished));
        }

        Assert.Single(wakeUps);
        Assert.All(states, state => Assert.Equal(WorkflowStatus.Finished, state.Status));
        Assert.Equal(20, console.ToString().Split('\n').Count(l => l.Trim() == "timer fired"));
    }

    [Fact]
    public async Task Api_WithoutKey_IsUnauthorizedButHealthIsOpen()
    {
        await using var server = new ServerFactory(data, workflows, console);
        var client = server.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/workflows/delay-then-write/execute", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/activities/descriptors")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Execute_UnknownWorkflow_IsNotFoundProblem()
    {
        await using var server = new ServerFactory(data, workflows, console);

        var response = await (await server.SignedInClientAsync()).PostAsJsonAsync("/api/workflows/nope/execute", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("definitionId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<WorkflowState> WaitForAsync(ServerFactory server, string instanceId, WorkflowStatus status)
    {
        var store = server.Services.GetRequiredService<IWorkflowStore>();
        _ = server.CreateClient(); // starts the host
        WorkflowState? state = null;
        for (var i = 0; i < 100 && state?.Status != status; i++)
        {
            await Task.Delay(100);
            state = await store.GetInstanceAsync(instanceId);
        }

        return state!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
