namespace Automation.Engine.Activities.Core;

/// <summary>Faults the workflow with a message.</summary>
[Activity("Elsa", "Primitives", "Faults the workflow.")]
[FlowNode]
public sealed class Fault : Activity
{
    /// <summary>A code for the fault.</summary>
    [Input(Description = "The fault code.", DefaultValue = "0")]
    public Input<string> Code { get; set; } = new();

    /// <summary>The fault category.</summary>
    [Input(Description = "The fault category.", DefaultValue = "General")]
    public Input<string> Category { get; set; } = new();

    /// <summary>The fault type.</summary>
    [Input(Description = "The fault type.", DisplayName = "Type", DefaultValue = "System")]
    public Input<string> FaultType { get; set; } = new();

    /// <summary>The message.</summary>
    [Input(Description = "The fault message.")]
    public Input<string> Message { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Fault($"[{context.Get(Category)}/{context.Get(FaultType)} {context.Get(Code)}] {context.Get(Message)}");
        return ValueTask.CompletedTask;
    }
}
