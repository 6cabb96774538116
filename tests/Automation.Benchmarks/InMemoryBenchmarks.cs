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
    private WorkflowDefinition switchOfThree = null!;
    private readonly StartWorkflowOptions generalPatient = new() { Input = new Dictionary<string, object?> { ["segment"] = "general", ["age"] = 42L } };

    [GlobalSetup]
    public void Setup()
    {
        services = BenchmarkWorkflows.Engine();
        invoker = services.GetRequiredService<WorkflowInvoker>();
        definition = BenchmarkWorkflows.TenSequential();
        switchOfThree = BenchmarkWorkflows.SwitchOfThree();
    }

    [GlobalCleanup]
    public void Cleanup() => services.Dispose();

    [Benchmark(Description = "10 sequential activities, in memory")]
    public async Task<WorkflowStatus> TenSequentialInMemory() => (await invoker.StartAsync(definition)).Status;

    [Benchmark(Description = "Switch of three JavaScript cases, in memory")]
    public async Task<WorkflowStatus> SwitchOfThreeInMemory() => (await invoker.StartAsync(switchOfThree, generalPatient)).Status;
}
