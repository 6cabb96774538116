namespace Automation.Engine.Activities.Core;

/// <summary>Waits for an interval. As the first activity of a published workflow it starts the workflow every interval.</summary>
[Activity("Elsa", "Scheduling", "Triggers at a regular interval.", Kind = ActivityKind.Trigger)]
public sealed class Timer : Activity
{
    /// <summary>The interval.</summary>
    [Input(Description = "The interval at which the timer fires (hh:mm:ss).", DefaultValue = "00:01:00")]
    public Input<TimeSpan> Interval { get; set; } = new();

    /// <inheritdoc />
    public override object? GetTriggerPayload() => Interval.TryGetConstant(out var interval) && interval > System.TimeSpan.Zero
        ? new ScheduleTrigger(Interval: interval)
        : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (context.IsTriggerOfWorkflow)
        {
            context.Complete();
        }
        else
        {
            context.CreateBookmark(resumeAt: context.TimeProvider.GetUtcNow() + context.Get(Interval));
        }

        return ValueTask.CompletedTask;
    }
}
