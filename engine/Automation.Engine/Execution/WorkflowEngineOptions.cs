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

    /// <summary>JavaScript sandbox limits.</summary>
    public JavaScriptOptions JavaScript { get; set; } = new();
}
