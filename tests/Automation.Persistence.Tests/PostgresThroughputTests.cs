using System.Diagnostics;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Xunit.Abstractions;
using static Automation.Persistence.Tests.TestData;

namespace Automation.Persistence.Tests;

/// <summary>Measures bulk commits of new finished instances to PostgreSQL (reported, not asserted: timing on a shared
/// 2-core machine is too noisy to gate on).</summary>
public sealed class PostgresThroughputTests(PostgresStoreFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresStoreFixture>
{
    [Fact]
    public async Task CommitBatchAsync_NewFinishedInstancesWithJournal_ReportsInstancesPerSecond()
    {
        // Arrange
        const int BatchSize = 1000;
        const int Batches = 10;
        const int WarmUpBatches = 5;
        var definitionId = Id("def");
        var batches = Enumerable.Range(0, WarmUpBatches + Batches).Select(_ => Enumerable.Range(0, BatchSize).Select(i => FinishedCommit(definitionId, i)).ToList()).ToList();
        foreach (var batch in batches.Take(WarmUpBatches))
        {
            await fixture.Store.CommitBatchAsync(batch); // warm-up: connections and tiered JIT reach steady state
        }

        // Act
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in batches.Skip(WarmUpBatches))
        {
            await fixture.Store.CommitBatchAsync(batch);
        }

        stopwatch.Stop();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        // Assert
        var perSecond = Batches * BatchSize / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{Batches * BatchSize} instances x 20 journal entries in {stopwatch.Elapsed.TotalMilliseconds:F0} ms = {perSecond:F0} instances/s (client CPU {clientCpu.TotalMilliseconds:F0} ms)");
        var page = await fixture.Store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Take = 0 });
        Assert.Equal((WarmUpBatches + Batches) * BatchSize, page.TotalCount);
    }

    private static WorkflowCommit FinishedCommit(string definitionId, int index)
    {
        var start = Now();
        var state = State(Id("wi"), definitionId, start, WorkflowStatus.Finished, correlationId: "order-" + index);
        state.Input["orderId"] = "order-" + index;
        state.Variables["total"] = 125.5;
        state.Variables["lines"] = new List<object?> { "a", "b", "c" };
        state.Outputs["activity9"] = new Dictionary<string, object?> { ["Result"] = "ok" };
        state.JournalSequence = 20;
        state.UpdatedAt = start.AddMilliseconds(20);
        state.FinishedAt = start.AddMilliseconds(20);
        return new WorkflowCommit(state, 0, Journal(20, start: start));
    }
}
