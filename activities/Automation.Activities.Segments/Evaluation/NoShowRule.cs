using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

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
