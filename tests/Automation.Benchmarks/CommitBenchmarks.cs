using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Benchmarks;

/// <summary>
/// (b) The same flowchart, each finished instance committed (state + 20 journal entries) in batches of
/// <see cref="BatchSize"/>, optionally with one outbox message each. Reported per instance: instances/s = 1 s / mean.
/// Target: >= 5,000/s on PostgreSQL.
/// PostgreSQL comes from AUTOMATION_BENCH_POSTGRES (default: the CI database on 127.0.0.1).
/// </summary>
[MemoryDiagnoser]
public class CommitBenchmarks
{
    private const int BatchSize = 500;
    private const int Batches = 4;

    private ServiceProvider services = null!;
    private WorkflowInvoker invoker = null!;
    private WorkflowDefinition definition = null!;
    private IWorkflowStore store = null!;
    private string sqliteFile = "";

    private static readonly byte[] OutboxPayload = new byte[256];

    [Params("sqlite", "postgres")]
    public string Store { get; set; } = "sqlite";

    /// <summary>Whether each commit also carries one outbox message (an email to send), written in the same transaction.</summary>
    [Params(false, true)]
    public bool WithOutbox { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        services = BenchmarkWorkflows.Engine();
        invoker = services.GetRequiredService<WorkflowInvoker>();
        definition = BenchmarkWorkflows.TenSequential();
        sqliteFile = Path.Combine(Path.GetTempPath(), $"automation-bench-{Guid.NewGuid():N}.db");
        var connection = Store == "sqlite"
            ? "Data Source=" + sqliteFile
            : (Environment.GetEnvironmentVariable("AUTOMATION_BENCH_POSTGRES")
               ?? "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test;Search Path=bench");
        store = WorkflowStoreFactory.Create(Store, connection);
        await store.MigrateAsync();
        await store.SaveDefinitionAsync(definition);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(sqliteFile);
    }

    [Benchmark(Description = "run + commit one finished instance (batched)", OperationsPerInvoke = BatchSize * Batches)]
    public async Task RunAndCommitBatched()
    {
        var commits = new List<WorkflowCommit>(BatchSize);
        for (var batch = 0; batch < Batches; batch++)
        {
            commits.Clear();
            for (var i = 0; i < BatchSize; i++)
            {
                var result = await invoker.StartAsync(definition);
                commits.Add(new WorkflowCommit(result.State, 0, result.Journal)
                {
                    Outbox = WithOutbox ? [new Engine.Outbox.OutboxMessage(result.State.InstanceId, "secure-send", OutboxPayload)] : [],
                });
            }

            await store.CommitBatchAsync(commits);
        }
    }
}
