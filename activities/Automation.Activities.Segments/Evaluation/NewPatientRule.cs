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
