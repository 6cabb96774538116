using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Benchmarks;

/// <summary>(a) A 10-activity sequential flowchart run in memory. Target: at most 50 us and 32 KB per run.</summary>
[MemoryDiagnoser]
public class InMemoryBenchmarks
{
    private ServiceProvider services = null!;
    private WorkflowInvoker invoker = null!;
    private WorkflowDefinition definition = null!;

    [GlobalSetup]
    public void Setup()
    {
        services = BenchmarkWorkflows.Engine();
        invoker = services.GetRequiredService<WorkflowInvoker>();
        definition = BenchmarkWorkflows.TenSequential();
    }

    [GlobalCleanup]
    public void Cleanup() => services.Dispose();

    [Benchmark(Description = "10 sequential activities, in memory")]
    public async Task<WorkflowStatus> TenSequentialInMemory() => (await invoker.StartAsync(definition)).Status;
}
