using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>Journey stage <c>active</c> (a visit within N days) or <c>overdue</c> (no visit within N calendar months).
/// A visit is any encounter that started by now.</summary>
internal sealed class VisitRecencyRule(string path, string kind, int? withinDays, int? months, bool wantRecent) : Rule(path, kind)
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = months is { } m ? clock.MonthsAgo(m) : clock.DaysAgo(withinDays ?? 365);
        var recent = false;
        foreach (var e in facts.Encounters)
        {
            if (e.StartMinute >= since && e.StartMinute <= clock.NowMinute)
            {
                recent = true;
                break;
            }
        }

        return recent == wantRecent;
    }
}
