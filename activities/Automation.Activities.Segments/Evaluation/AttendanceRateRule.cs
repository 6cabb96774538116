using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

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
