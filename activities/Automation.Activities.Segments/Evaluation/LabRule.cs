using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>The latest value of a LOINC code compared with a threshold, the value taken within the lookback window.</summary>
internal sealed class LabRule(string path, string code, Comparison comparison, double threshold, int? withinDays) : Rule(path, "lab")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        var since = withinDays is { } days ? clock.DaysAgo(days) : int.MinValue;
        var found = false;
        LabEntry latest = default;
        foreach (var lab in facts.Labs)
        {
            if (lab.AtMinute <= clock.NowMinute && (!found || lab.AtMinute > latest.AtMinute) && (ReferenceEquals(lab.Code, code) || string.Equals(lab.Code, code, StringComparison.Ordinal)))
            {
                latest = lab;
                found = true;
            }
        }

        return found && latest.AtMinute >= since && comparison.Holds(latest.Value, threshold);
    }
}
