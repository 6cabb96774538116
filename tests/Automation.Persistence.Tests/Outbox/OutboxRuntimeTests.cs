using System.Text;
using System.Text.Json.Nodes;
using Automation.Engine.Activities;
using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Outbox;
using Automation.Engine.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Persistence.Tests.Outbox;

/// <summary>An activity's <c>AddOutboxMessage</c> through the runtime into the real store: the message is stored
/// with the step that produced it and the relay is woken.</summary>
public abstract class OutboxRuntimeTests : IAsyncLifetime
{
    private FreshDatabase database = null!;
    private ServiceProvider services = null!;

    protected abstract string Provider { get; }

    public async Task InitializeAsync()
    {
        database = await FreshDatabase.CreateAsync(Provider);
        var store = WorkflowStoreFactory.Create(Provider, database.ConnectionString);
        await store.MigrateAsync();
        var registry = new ActivityRegistry();
        registry.Register(typeof(QueueMessage));
        services = new ServiceCollection().AddSingleton(store).AddSingleton(registry).AddAutomationEngine().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task ActivityAddsOutboxMessage_EachStepCommitsItsOwnMessageAndWakesTheRelay()
    {
        var store = services.GetRequiredService<IWorkflowStore>();
        var outbox = (IOutboxStore)store;
        var runtime = services.GetRequiredService<WorkflowRuntime>();
        var signal = services.GetRequiredService<OutboxSignal>();
        var definition = Definition();
        await store.SaveDefinitionAsync(definition);

        var started = await runtime.StartAsync(definition);
        var wokenAfterStart = await signal.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var afterStart = (await outbox.GetAsync(started.InstanceId + ":first"), await outbox.GetAsync(started.InstanceId + ":second"));
        await runtime.PublishEventAsync("go-" + definition.DefinitionId, null, null);

        Assert.Equal(WorkflowStatus.Suspended, started.Status);
        Assert.True(wokenAfterStart);
        Assert.Equal("pending", afterStart.Item1?.Status);
        Assert.Null(afterStart.Item2);
        var claimed = await outbox.ClaimAsync(10, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal([started.InstanceId + ":first", started.InstanceId + ":second"], claimed.Select(i => i.Id));
        Assert.All(claimed, i => Assert.Equal(started.InstanceId, i.InstanceId));
        Assert.Equal("sent by second", Encoding.UTF8.GetString(claimed[1].Payload));
    }

    private static WorkflowDefinition Definition()
    {
        var definitionId = "outbox-" + Guid.NewGuid().ToString("N");
        var definition = WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = definitionId,
            ["version"] = 1,
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["activities"] = new JsonArray(
                    new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start" },
                    new JsonObject { ["id"] = "first", ["type"] = "Test.QueueMessage" },
                    new JsonObject
                    {
                        ["id"] = "wait",
                        ["type"] = "Elsa.Event",
                        ["eventName"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "go-" + definitionId } },
                    },
                    new JsonObject { ["id"] = "second", ["type"] = "Test.QueueMessage" }),
                ["connections"] = new JsonArray(Connect("start", "first"), Connect("first", "wait"), Connect("wait", "second")),
            },
        });
        definition.Id = definitionId + "-v1";
        definition.IsLatest = true;
        definition.IsPublished = true;
        return definition;
    }

    private static JsonObject Connect(string source, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = "Done" },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    [Activity("Test", "Tests", "Queues one outbox message.")]
    public sealed class QueueMessage : Activity
    {
        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.AddOutboxMessage(new OutboxMessage(context.WorkflowInstanceId + ":" + context.ActivityId, "secure-send", Encoding.UTF8.GetBytes("sent by " + context.ActivityId)));
            context.Complete();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class SqliteOutboxRuntimeTests : OutboxRuntimeTests
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresOutboxRuntimeTests : OutboxRuntimeTests
{
    protected override string Provider => "postgres";
}
