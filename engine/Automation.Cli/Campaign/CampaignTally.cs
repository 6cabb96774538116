using Automation.Engine.Audit;

namespace Automation.Cli.Campaign;

/// <summary>
/// Counts what happened to every message step from the audit trail: each message a journey tries to send is preceded
/// by a consent check (step n of an instance = its n-th consent check), which ends as denied (consent), blocked
/// (policy), sent (delivered to SMTP) or failed (activity failure, bounce or dead letter).
/// </summary>
internal sealed class CampaignTally
{
    private readonly Dictionary<string, int> stepOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> stepOfMessage = new(StringComparer.Ordinal);

    public List<StepCounts> Steps { get; } = [];

    public StepCounts Total { get; } = new(0);

    public void Add(AuditEntry entry)
    {
        if (entry.InstanceId is not { } instance)
        {
            // Audience entry kept the patient out for lack of consent: the first check, denied, with no instance.
            if (entry.Action == AuditActions.ConsentCheck && entry.Details?.GetValueOrDefault("stage") == "audience")
            {
                var first = Step(1);
                first.Attempts++;
                first.Denied++;
                Total.Attempts++;
                Total.Denied++;
            }

            return;
        }

        if (entry.Action == AuditActions.ConsentCheck)
        {
            var next = stepOf.GetValueOrDefault(instance) + 1;
            stepOf[instance] = next;
            var counts = Step(next);
            counts.Attempts++;
            Total.Attempts++;
            if (!string.Equals(entry.Result, "granted", StringComparison.OrdinalIgnoreCase))
            {
                counts.Denied++;
                Total.Denied++;
            }

            return;
        }

        // A delivery belongs to the step that queued it, which a later step may have overtaken (a wait that is already
        // over when reached runs the next consent check before the relay's pass).
        var step = Math.Max(1, stepOf.GetValueOrDefault(instance));
        if (entry.Action == AuditActions.MessageQueued && entry.MessageId is { } queued)
        {
            stepOfMessage[queued] = step;
            return;
        }

        if (entry.MessageId is { } id && stepOfMessage.TryGetValue(id, out var queuedAt))
        {
            step = queuedAt;
            if (entry.Action is AuditActions.MessageDelivered or AuditActions.MessageFailed or AuditActions.MessageBounced)
            {
                stepOfMessage.Remove(id);
            }
        }

        var current = Step(step);
        switch (entry.Action)
        {
            case AuditActions.PolicyDecision when string.Equals(entry.Result, "blocked", StringComparison.OrdinalIgnoreCase):
                current.Blocked++;
                Total.Blocked++;
                break;
            case AuditActions.MessageDelivered:
                current.Sent++;
                Total.Sent++;
                break;
            case AuditActions.MessageFailed or AuditActions.MessageBounced:
                current.Failed++;
                Total.Failed++;
                break;
        }
    }

    private StepCounts Step(int step)
    {
        while (Steps.Count < step)
        {
            Steps.Add(new StepCounts(Steps.Count + 1));
        }

        return Steps[step - 1];
    }
}

/// <summary>The outcomes of one message step (or of all of them).</summary>
internal sealed class StepCounts(int step)
{
    public int Step { get; } = step;

    public long Attempts { get; set; }

    public long Sent { get; set; }

    public long Denied { get; set; }

    public long Blocked { get; set; }

    public long Failed { get; set; }
}
