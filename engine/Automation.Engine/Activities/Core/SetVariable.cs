namespace Automation.Engine.Activities.Core;

/// <summary>Assigns a value to a workflow variable.</summary>
[Activity("Elsa", "Primitives", "Assigns a value to a variable.", DisplayName = "Set Variable")]
public sealed class SetVariable : Activity
{
    /// <summary>The variable, stored unwrapped as Elsa's variable model <c>{id, name, typeName}</c>.</summary>
    [Input(UIHint = UIHints.VariablePicker, Description = "The variable to assign.", Required = true)]
    public Input<VariableReference> Variable { get; set; } = new();

    /// <summary>The value.</summary>
    [Input(Description = "The value to assign.")]
    public Input<object> Value { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var variable = context.Get(Variable);
        if (variable is null || (variable.Id is null && variable.Name is null))
        {
            context.Fault("No variable is selected.");
            return ValueTask.CompletedTask;
        }

        context.SetVariable(context.ResolveVariableName(variable.Id, variable.Name), context.Get(Value));
        context.Complete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A reference to a declared variable, as Elsa stores it.</summary>
/// <param name="Id">The variable id.</param>
/// <param name="Name">The variable name.</param>
public sealed record VariableReference(string? Id, string? Name);
