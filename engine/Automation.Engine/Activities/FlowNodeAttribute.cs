namespace Automation.Engine.Activities;

/// <summary>Declares the outcomes (flowchart ports) an activity can complete with. Without it the only outcome is <c>Done</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class FlowNodeAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="outcomes">The outcome names, in the order the designer shows them.</param>
    public FlowNodeAttribute(params string[] outcomes) => Outcomes = outcomes;

    /// <summary>The outcome names.</summary>
    public IReadOnlyList<string> Outcomes { get; }
}
