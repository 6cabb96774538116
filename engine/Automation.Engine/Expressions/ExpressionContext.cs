using Automation.Engine.Execution;

namespace Automation.Engine.Expressions;

/// <summary>What an expression can read: the running instance's variables, input and activity outputs.</summary>
internal sealed class ExpressionContext(WorkflowState state, TimeProvider? timeProvider = null)
{
    public WorkflowState State { get; } = state;

    /// <summary>The engine clock's now (so scripts see the same time as timers, also under a test clock).</summary>
    public DateTimeOffset Now => (timeProvider ?? TimeProvider.System).GetUtcNow();
}
