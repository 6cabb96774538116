using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>No completed immunization with a CVX code in the list within N days (missing or older).</summary>
internal sealed class ImmunizationDueRule(string path, CodeSet codes, int olderThanDays) : Rule(path, "immunizationDue")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = clock.DaysAgo(olderThanDays);
        foreach (var immunization in facts.Immunizations)
        {
            if (immunization.Completed && immunization.AtMinute >= since && immunization.AtMinute <= clock.NowMinute && codes.Matches(immunization.Code))
            {
                return false;
            }
        }

        return true;
    }
}
