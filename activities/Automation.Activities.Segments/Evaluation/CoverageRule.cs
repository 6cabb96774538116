using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>A coverage of one of the kinds, status active and in force on the evaluation date.</summary>
internal sealed class CoverageRule(string path, CoverageKind[] kinds) : Rule(path, "coverage")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        foreach (var coverage in facts.Coverages)
        {
            if (coverage.Active && coverage.StartDay <= clock.TodayDay && coverage.EndDay >= clock.TodayDay && Array.IndexOf(kinds, coverage.Kind) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
