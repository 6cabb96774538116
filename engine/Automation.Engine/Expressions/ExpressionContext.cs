using Automation.Engine.Execution;

namespace Automation.Engine.Expressions;

/// <summary>What an expression can read: the running instance's variables, input and activity outputs.</summary>
internal sealed class ExpressionContext(WorkflowState state)
{
    public WorkflowState State { get; } = state;
}
