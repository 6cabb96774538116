namespace Automation.Engine.Activities.Core;

/// <summary>The trigger payload of the scheduling activities: the host's scheduler starts the workflow accordingly.</summary>
/// <param name="Interval">Start every interval (Elsa.Timer).</param>
/// <param name="CronExpression">Start on a cron schedule (Elsa.Cron), in Quartz syntax.</param>
/// <param name="At">Start once at this instant (Elsa.StartAt).</param>
public sealed record ScheduleTrigger(TimeSpan? Interval = null, string? CronExpression = null, DateTimeOffset? At = null);
