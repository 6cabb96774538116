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

    private static readonly string[] MessageActions = [AuditActions.MessageQueued, AuditActions.MessageDelivered, AuditActions.MessageBounced];

    // Method mix and deliverability come from the audit log's message records: a journey's secure-send step queues a
    // message under the journey's actor (with its method), and the relay's delivered and bounced records (with the
    // recipient domain) follow under the same message id. The store returns only those three actions, about a third of
    // a campaign's records, in one pass and without listing the journey's instances; a per-journey summary maintained
    // at delivery is the way to scale further.
    private async Task<(Dictionary<string, long> Methods, List<DomainRow> Domains, long Delivered)> MessagesAsync(string definitionId, CancellationToken cancellationToken)
    {
        var actor = AuditActors.Workflow(definitionId);
        var methods = new Dictionary<string, long>(StringComparer.Ordinal);
        var domains = new Dictionary<string, (long Sent, long Delivered, long Bounced)>(StringComparer.OrdinalIgnoreCase);
        long delivered = 0;

        // A message can be audited twice under one id: a run whose batch commit was refused is run again (its queued
        // record stays), and the relay delivers at least once (a process that dies after the SMTP reply but before
        // recording it delivers again, and a retry may then be refused). Each message counts once per outcome, and once
        // as sent to its domain.
        var journeyMessages = new Dictionary<string, Outcomes>(StringComparer.Ordinal);
        for (long after = 0; ;)
        {
            var records = await audit.ReadActionsAsync(MessageActions, after, 5000, cancellationToken).ConfigureAwait(false);
            if (records.Count == 0)
            {
                break;
            }

            after = records[^1].Sequence;
            foreach (var entry in records.Select(r => r.Entry))
            {
                if (entry.MessageId is not { } messageId)
                {
                    continue;
                }

                if (entry.Action == AuditActions.MessageQueued)
                {
                    if (entry.Actor == actor && journeyMessages.TryAdd(messageId, Outcomes.None) && entry.Method is { } method)
                    {
                        methods[method] = methods.GetValueOrDefault(method) + 1;
                    }

                    continue;
                }

                var outcome = entry.Action == AuditActions.MessageDelivered ? Outcomes.Delivered : Outcomes.Bounced;
                if (!journeyMessages.TryGetValue(messageId, out var seen) || seen.HasFlag(outcome))
                {
                    continue;
                }

                journeyMessages[messageId] = seen | outcome;
                if (outcome == Outcomes.Delivered)
                {
                    delivered++;
                }

                if (entry.Details?.GetValueOrDefault("recipientDomain") is { Length: > 0 } domain)
                {
                    var row = domains.GetValueOrDefault(domain);
                    if (seen == Outcomes.None)
                    {
                        row.Sent++;
                    }

                    if (outcome == Outcomes.Delivered)
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

    [Flags]
    private enum Outcomes
    {
        None = 0,
        Delivered = 1,
        Bounced = 2,
    }
}
