using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>The number of events of one kind within N days is between min and max (automated events are ignored
/// unless asked for).</summary>
internal sealed class EngagementCountRule(string path, EngagementKind kind, int withinDays, int min, int max, bool includeAutomated) : Rule(path, "engagement")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = clock.DaysAgo(withinDays);
        var count = 0;
        foreach (var e in facts.Engagement)
        {
            if (e.Kind == kind && e.AtMinute >= since && e.AtMinute <= clock.NowMinute && (includeAutomated || !e.Automated))
            {
                count++;
            }
        }

        return count >= min && count <= max;
    }
}
