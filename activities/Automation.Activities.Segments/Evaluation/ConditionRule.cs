using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>A condition coded in the list (in the given system), active unless <c>status</c> is <c>any</c>,
/// optionally with onset within N days.</summary>
internal sealed class ConditionRule(string path, CodeSystem system, CodeSet codes, bool activeOnly, int? onsetWithinDays) : Rule(path, "condition")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = onsetWithinDays is { } days ? clock.DaysAgo(days) : int.MinValue;
        foreach (var condition in facts.Conditions)
        {
            if (condition.System == system && (!activeOnly || condition.Active) && condition.OnsetMinute >= since && codes.Matches(condition.Code))
            {
                return true;
            }
        }

        return false;
    }
}
