namespace Automation.Engine.Activities.Core;

/// <summary>Waits for a span of time; the instance suspends and a timer resumes it.</summary>
[Activity("Elsa", "Scheduling", "Delays execution for a span of time.")]
public sealed class Delay : Activity
{
    /// <summary>How long to wait, as <c>hh:mm:ss</c> or ISO 8601 (<c>PT5M</c>).</summary>
    [Input(Description = "The time span to wait (hh:mm:ss).", DefaultValue = "00:01:00")]
    public Input<TimeSpan> TimeSpan { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.CreateBookmark(resumeAt: context.TimeProvider.GetUtcNow() + context.Get(TimeSpan));
        return ValueTask.CompletedTask;
    }
}
