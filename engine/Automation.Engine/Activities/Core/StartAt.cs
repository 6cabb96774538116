namespace Automation.Engine.Activities.Core;

/// <summary>Waits until an instant (completes at once when it has passed). As the first activity of a published
/// workflow it starts the workflow at that instant.</summary>
[Activity("Elsa", "Scheduling", "Triggers at a specific instant.", DisplayName = "Start At", Kind = ActivityKind.Trigger)]
public sealed class StartAt : Activity
{
    /// <summary>The instant (ISO 8601).</summary>
    [Input(Description = "The instant to start at (ISO 8601).", UIHint = UIHints.DateTimePicker, Required = true)]
    public Input<DateTimeOffset> DateTime { get; set; } = new();

    /// <inheritdoc />
    public override object? GetTriggerPayload() =>
        DateTime.TryGetConstant(out var at) && at != default ? new ScheduleTrigger(At: at) : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var at = context.Get(DateTime);
        if (context.IsTriggerOfWorkflow || at <= context.TimeProvider.GetUtcNow())
        {
            context.Complete();
        }
        else
        {
            context.CreateBookmark(resumeAt: at);
        }

        return ValueTask.CompletedTask;
    }
}
