using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

internal sealed class NotRule(string path, Rule child) : Rule(path, "not")
{
    public override int PredicateCount => child.PredicateCount;

    public override bool Evaluate(PatientFacts facts, in SegmentClock clock) => !child.Evaluate(facts, clock);

    public override ExplanationNode Explain(PatientFacts facts, in SegmentClock clock)
    {
        var inner = child.Explain(facts, clock);
        return new(Path, Kind, !inner.Held, [inner]);
    }
}
