using Automation.Engine.Definitions;

namespace Automation.Engine.Execution;

/// <summary>A definition version compiled once: bound activities, connection index, start nodes.</summary>
internal sealed class CompiledWorkflow
{
    public required WorkflowDefinition Definition { get; init; }

    public required CompiledNode[] Nodes { get; init; }

    public required Dictionary<string, CompiledNode> NodesById { get; init; }

    public required IReadOnlyList<CompiledNode> StartNodes { get; init; }

    public required IReadOnlyList<VariableDefinition> Variables { get; init; }

    public required Expressions.JavaScriptOptions JavaScriptOptions { get; init; }

    public bool ContinueOnIncident => Definition.ContinueOnIncident;

    /// <summary>Expressions held in data rather than in inputs (FlowSwitch case conditions), compiled on first use and
    /// shared by every run of this version, by syntax, value text and input name.</summary>
    public Expressions.DataExpressionCache DataExpressions { get; } = new();
}
