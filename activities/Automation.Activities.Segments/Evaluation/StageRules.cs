using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>Journey stage <c>new</c>: the first encounter ever started within N days.</summary>
internal sealed class NewPatientRule(string path, int withinDays) : Rule(path, "stage:new")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        if (facts.Encounters.Length == 0)
        {
            return false;
        }

        var first = int.MaxValue;
        foreach (var e in facts.Encounters)
        {
            first = Math.Min(first, e.StartMinute);
        }

        return first >= clock.DaysAgo(withinDays) && first <= clock.NowMinute;
    }
}

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
