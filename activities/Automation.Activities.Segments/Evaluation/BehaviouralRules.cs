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

/// <summary>Appointments marked no-show that started within N days, count between min and max.</summary>
internal sealed class NoShowRule(string path, int withinDays, int min, int max) : Rule(path, "noShows")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = clock.DaysAgo(withinDays);
        var count = 0;
        foreach (var a in facts.Appointments)
        {
            if (a.State == AppointmentState.NoShow && a.StartMinute >= since && a.StartMinute <= clock.NowMinute)
            {
                count++;
            }
        }

        return count >= min && count <= max;
    }
}

/// <summary>Fulfilled / (fulfilled + no-show) over appointments that started within N days, compared with a
/// threshold; a patient with no such appointment has no rate and does not match.</summary>
internal sealed class AttendanceRateRule(string path, int withinDays, Comparison comparison, double threshold) : Rule(path, "attendanceRate")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = clock.DaysAgo(withinDays);
        int attended = 0, missed = 0;
        foreach (var a in facts.Appointments)
        {
            if (a.StartMinute < since || a.StartMinute > clock.NowMinute)
            {
                continue;
            }

            if (a.State == AppointmentState.Fulfilled)
            {
                attended++;
            }
            else if (a.State == AppointmentState.NoShow)
            {
                missed++;
            }
        }

        return attended + missed > 0 && comparison.Holds((double)attended / (attended + missed), threshold);
    }
}
