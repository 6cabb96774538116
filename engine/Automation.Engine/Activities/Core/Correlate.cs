namespace Automation.Engine.Activities.Core;

/// <summary>Sets the instance's correlation id.</summary>
[Activity("Elsa", "Primitives", "Sets the workflow's correlation id.")]
public sealed class Correlate : Activity
{
    /// <summary>The correlation id.</summary>
    [Input(Description = "The correlation id to set.", Required = true)]
    public Input<string> CorrelationId { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CorrelationId = context.Get(CorrelationId);
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
