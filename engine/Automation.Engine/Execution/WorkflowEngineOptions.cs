using Automation.Engine.Expressions;

namespace Automation.Engine.Execution;

/// <summary>Limits and settings of the interpreter.</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>Activity executions allowed in one run (start or resume) before the instance faults as a runaway loop.
    /// Default 10,000.</summary>
    public int MaxStepsPerRun { get; set; } = 10_000;

    /// <summary>How long a stimulus that matched no bookmark waits for one to be committed. Default 1 minute.</summary>
    public TimeSpan StimulusTimeToLive { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Instances of a batch start (<see cref="WorkflowRuntime.StartBatchAsync"/>) run at once. Journey steps
    /// mostly wait (patient reads, consent records, the audit log's group commit), so this is well above the core
    /// count. Default 64.</summary>
    public int BatchParallelism { get; set; } = 64;

    /// <summary>Due timers resumed and committed together by <see cref="WorkflowRuntime.ResumeDueTimersAsync"/>. Default 500.</summary>
    public int ResumeBatchSize { get; set; } = 500;

    /// <summary>JavaScript sandbox limits.</summary>
    public JavaScriptOptions JavaScript { get; set; } = new();
}
