using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>The latest event of one kind is within N days (<c>withinDays</c>), or there is none within N days
/// (<c>olderThanDays</c>: the last one is older, or there never was one).</summary>
internal sealed class LastEngagementRule(string path, EngagementKind kind, int days, bool within, bool includeAutomated) : Rule(path, "lastEngagement")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var last = int.MinValue;
        foreach (var e in facts.Engagement)
        {
            if (e.Kind == kind && e.AtMinute <= clock.NowMinute && e.AtMinute > last && (includeAutomated || !e.Automated))
            {
                last = e.AtMinute;
            }
        }

        var recent = last >= clock.DaysAgo(days);
        return within ? recent : !recent;
    }
}
