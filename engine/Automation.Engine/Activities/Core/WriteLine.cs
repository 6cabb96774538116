namespace Automation.Engine.Activities.Core;

/// <summary>Writes a line of text to the host's console.</summary>
[Activity("Elsa", "Console", "Writes a line of text to the console.", DisplayName = "Write Line")]
public sealed class WriteLine : Activity
{
    /// <summary>The text.</summary>
    [Input(Description = "The text to write.")]
    public Input<string> Text { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.WriteLine(context.Get(Text));
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
