using Automation.Engine.Execution;

namespace Automation.Engine.Persistence;

/// <summary>How a journey's instances moved through it: counts only, no PHI, for reports.</summary>
/// <param name="Statuses">Instances per status.</param>
/// <param name="Steps">Per activity: instances that reached it, and instances per completed outcome.</param>
public sealed record JourneyStatistics(IReadOnlyDictionary<WorkflowStatus, long> Statuses, IReadOnlyList<StepStatistic> Steps);

/// <summary>One row of a journey's step funnel.</summary>
/// <param name="ActivityId">The activity id.</param>
/// <param name="ActivityType">The activity type.</param>
/// <param name="Outcome">The outcome the activity completed with, or <c>null</c> for "reached" (started).</param>
/// <param name="Instances">Distinct instances.</param>
public sealed record StepStatistic(string ActivityId, string ActivityType, string? Outcome, long Instances);
