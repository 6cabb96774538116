using Automation.Engine.Audit;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Audit;

namespace Automation.Server.Reports;

/// <summary>
/// Builds journey reports from the store's aggregates. The funnel reads step outcomes by activity type: consent denied
/// is <c>Healthcare.CheckConsent</c> completing <c>Denied</c>, blocked/sent are <c>Healthcare.SecureSend</c>'s
/// <c>Blocked</c>/<c>Sent</c>, opened/clicked are <c>Healthcare.WaitForEngagement</c>'s <c>Opened</c>/<c>Clicked</c>
/// (human engagement only), goal reached is any activity whose id starts with <c>goal</c>, exited is finished or
/// cancelled instances. Audience members the consent screen kept out (<see cref="Automation.Engine.Audience.AudienceRun.Excluded"/>)
/// count as entered and consent denied.
/// </summary>
internal sealed class JourneyReportBuilder(IWorkflowStore store, AuditLog audit)
{
    private const int MessagesPerPage = 2_000;

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

        // Audience members kept out for lack of consent never became instances; they count as entered and denied.
        var excludedAtEntry = (await store.ListAudienceRunsAsync(definitionId, 10_000, cancellationToken).ConfigureAwait(false)).Sum(r => r.Excluded);
        long Outcome(string type, string outcome) => steps.Where(s => s.ActivityType == type).Sum(s => s.Outcomes.GetValueOrDefault(outcome));
        var sent = Outcome("Healthcare.SecureSend", "Sent");
        var funnel = new List<FunnelStage>
        {
            new("entered", statistics.Statuses.Values.Sum() + excludedAtEntry),
            new("consent denied", Outcome("Healthcare.CheckConsent", "Denied") + excludedAtEntry),
            new("blocked", Outcome("Healthcare.SecureSend", "Blocked")),
            new("sent", sent),
            new("opened (human)", Outcome("Healthcare.WaitForEngagement", "Opened") + Outcome("Healthcare.WaitForEngagement", "Clicked")),
            new("clicked", Outcome("Healthcare.WaitForEngagement", "Clicked")),
            new("goal reached", steps.Where(s => s.ActivityId.StartsWith("goal", StringComparison.OrdinalIgnoreCase)).Sum(s => s.Reached)),
            new("exited", statistics.Statuses.GetValueOrDefault(WorkflowStatus.Finished) + statistics.Statuses.GetValueOrDefault(WorkflowStatus.Cancelled)),
        };

        var (methods, domains, delivered) = await MessagesAsync(definitionId, cancellationToken).ConfigureAwait(false);
        funnel.Insert(4, new FunnelStage("delivered", delivered));
        return new JourneyReport(definitionId, definition.Name, funnel, steps, methods, domains);
    }

    // Method mix and deliverability come from the audit log's message records: a journey's secure-send step queues a
    // message under the journey's actor (with its method), and the relay's delivered and bounced records (with the
    // recipient domain) follow under the same message id. The log hands over only the journey's messages, found by
    // index, each outcome once although a message can be audited twice under one id (a run whose batch commit was
    // refused is run again; the relay delivers at least once). A message counts once as sent to its domain.
    private async Task<(Dictionary<string, long> Methods, List<DomainRow> Domains, long Delivered)> MessagesAsync(string definitionId, CancellationToken cancellationToken)
    {
        var actor = AuditActors.Workflow(definitionId);
        var methods = new Dictionary<string, long>(StringComparer.Ordinal);
        var domains = new Dictionary<string, (long Sent, long Delivered, long Bounced)>(StringComparer.OrdinalIgnoreCase);
        long delivered = 0;
        string? after = null;
        while (true)
        {
            var records = await audit.ReadMessagesQueuedByAsync(actor, after, MessagesPerPage, cancellationToken).ConfigureAwait(false);
            if (records.Count == 0)
            {
                break;
            }

            string? countedAtDomain = null;
            foreach (var entry in records.Select(r => r.Entry))
            {
                after = entry.MessageId;
                if (entry.Action == AuditActions.MessageQueued)
                {
                    if (entry.Method is { } method)
                    {
                        methods[method] = methods.GetValueOrDefault(method) + 1;
                    }

                    continue;
                }

                var isDelivered = entry.Action == AuditActions.MessageDelivered;
                if (isDelivered)
                {
                    delivered++;
                }

                if (entry.Details?.GetValueOrDefault("recipientDomain") is { Length: > 0 } domain)
                {
                    var row = domains.GetValueOrDefault(domain);
                    if (countedAtDomain != entry.MessageId)
                    {
                        row.Sent++;
                        countedAtDomain = entry.MessageId;
                    }

                    if (isDelivered)
                    {
                        row.Delivered++;
                    }
                    else
                    {
                        row.Bounced++;
                    }

                    domains[domain] = row;
                }
            }
        }

        return (methods, [.. domains.OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase).Select(d => new DomainRow(d.Key, d.Value.Sent, d.Value.Delivered, d.Value.Bounced))], delivered);
    }
}
