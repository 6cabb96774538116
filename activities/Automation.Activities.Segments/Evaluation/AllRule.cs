using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

internal sealed class AllRule(string path, Rule[] children) : Rule(path, "all")
{
    public override int PredicateCount => children.Sum(c => c.PredicateCount);

    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        foreach (var child in children)
        {
            if (!child.Evaluate(facts, clock))
            {
                return false;
            }
        }

        return true;
    }

    public override ExplanationNode Explain(PatientFacts facts, in SegmentClock clock)
    {
        var explained = new ExplanationNode[children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            explained[i] = children[i].Explain(facts, clock);
        }

        return new(Path, Kind, explained.All(c => c.Held), explained);
    }
}
