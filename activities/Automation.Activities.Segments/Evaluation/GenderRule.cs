using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

internal sealed class GenderRule(string path, Gender[] genders) : Rule(path, "gender")
{
    public override bool Evaluate(PatientFacts facts, in SegmentClock clock) => Array.IndexOf(genders, facts.Gender) >= 0;
}
