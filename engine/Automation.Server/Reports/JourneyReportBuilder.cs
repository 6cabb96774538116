using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Server.Reports;

/// <summary>
/// Builds journey reports from the store's aggregates. The funnel reads step outcomes by activity type: consent denied
/// is <c>Healthcare.CheckConsent</c> completing <c>Denied</c>, blocked/sent are <c>Healthcare.SecureSend</c>'s
/// <c>Blocked</c>/<c>Sent</c>, opened/clicked are <c>Healthcare.WaitForEngagement</c>'s <c>Opened</c>/<c>Clicked</c>
/// (human engagement only), goal reached is any activity whose id starts with <c>goal</c>, exited is finished or
/// cancelled instances.
/// </summary>
internal sealed class JourneyReportBuilder(IWorkflowStore store)
{
    public async Task<JourneyReport?> BuildAsync(string definitionId, CancellationToken cancellationToken)
    {
        var definition = await store.FindDefinitionAsync(definitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false);
        if (definition is null)
        {
            return null;
        }

        var statistics = await store.GetJourneyStatisticsAsync(definitionId, cancellationToken).ConfigureAwait(false);
        var steps = statistics.Steps
            .GroupBy(s => (s.ActivityId, s.ActivityType))
            .Select(g => new StepRow(
                g.Key.ActivityId,
                g.Key.ActivityType,
                g.Where(s => s.Outcome is null).Sum(s => s.Instances),
                g.Where(s => s.Outcome is not null).GroupBy(s => s.Outcome!).ToDictionary(o => o.Key, o => o.Sum(s => s.Instances), StringComparer.Ordinal)))
            .ToList();

        long Outcome(string type, string outcome) => steps.Where(s => s.ActivityType == type).Sum(s => s.Outcomes.GetValueOrDefault(outcome));
        var sent = Outcome("Healthcare.SecureSend", "Sent");
        var funnel = new List<FunnelStage>
        {
            new("entered", statistics.Statuses.Values.Sum()),
            new("consent denied", Outcome("Healthcare.CheckConsent", "Denied")),
            new("blocked", Outcome("Healthcare.SecureSend", "Blocked")),
            new("sent", sent),
            new("opened (human)", Outcome("Healthcare.WaitForEngagement", "Opened") + Outcome("Healthcare.WaitForEngagement", "Clicked")),
            new("clicked", Outcome("Healthcare.WaitForEngagement", "Clicked")),
            new("goal reached", steps.Where(s => s.ActivityId.StartsWith("goal", StringComparison.OrdinalIgnoreCase)).Sum(s => s.Reached)),
            new("exited", statistics.Statuses.GetValueOrDefault(WorkflowStatus.Finished) + statistics.Statuses.GetValueOrDefault(WorkflowStatus.Cancelled)),
        };

        return new JourneyReport(definitionId, definition.Name, funnel, steps, new Dictionary<string, long>(), []);
    }
}
