namespace Automation.Engine.Activities.Core;

/// <summary>Waits until the next occurrence of a cron schedule. As the first activity of a published workflow it
/// starts the workflow on that schedule.</summary>
[Activity("Elsa", "Scheduling", "Triggers on a cron schedule.", Kind = ActivityKind.Trigger)]
public sealed class Cron : Activity
{
    /// <summary>The cron expression: 5 fields (minute first), or 6/7 fields with seconds first (Quartz syntax).</summary>
    [Input(Description = "The cron expression, e.g. '0 0 8 * * ?' (seconds first) or '0 8 * * *'.", Required = true)]
    public Input<string> CronExpression { get; set; } = new();

    /// <inheritdoc />
    public override object? GetTriggerPayload() =>
        CronExpression.TryGetConstant(out var expression) && !string.IsNullOrWhiteSpace(expression)
            ? new ScheduleTrigger(CronExpression: CronSchedule.ToQuartz(expression))
            : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (context.IsTriggerOfWorkflow)
        {
            context.Complete();
            return ValueTask.CompletedTask;
        }

        var expression = context.Get(CronExpression) ?? "";
        DateTimeOffset? next;
        try
        {
            next = CronSchedule.NextAfter(expression, context.TimeProvider.GetUtcNow());
        }
        catch (FormatException exception)
        {
            context.Fault(exception.Message);
            return ValueTask.CompletedTask;
        }

        if (next is null)
        {
            context.Fault($"the cron expression '{expression}' has no future occurrence.");
        }
        else
        {
            context.CreateBookmark(resumeAt: next);
        }

        return ValueTask.CompletedTask;
    }
}
