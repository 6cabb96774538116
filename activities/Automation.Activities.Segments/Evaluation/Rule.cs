using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>A compiled rule: a typed predicate over <see cref="PatientFacts"/>. No JSON and no reflection at evaluation.</summary>
internal abstract class Rule(string path, string kind)
{
    public string Path { get; } = path;

    public string Kind { get; } = kind;

    /// <summary>How many predicates (leaves) the rule holds.</summary>
    public virtual int PredicateCount => 1;

    public abstract bool Evaluate(PatientFacts facts, in SegmentClock clock);

    public virtual ExplanationNode Explain(PatientFacts facts, in SegmentClock clock) => new(Path, Kind, Evaluate(facts, clock), []);
}

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

internal sealed class AnyRule(string path, Rule[] children) : Rule(path, "any")
{
    public override int PredicateCount => children.Sum(c => c.PredicateCount);

    public override bool Evaluate(PatientFacts facts, in SegmentClock clock)
    {
        foreach (var child in children)
        {
            if (child.Evaluate(facts, clock))
            {
                return true;
            }
        }

        return false;
    }

    public override ExplanationNode Explain(PatientFacts facts, in SegmentClock clock)
    {
        var explained = new ExplanationNode[children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            explained[i] = children[i].Explain(facts, clock);
        }

        return new(Path, Kind, explained.Any(c => c.Held), explained);
    }
}

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

/// <summary>A reference to another segment, compiled in place (the referenced rules are inlined once).</summary>
internal sealed class SegmentReferenceRule(string path, string segmentId, Rule target) : Rule(path, "segment")
{
    public string SegmentId { get; } = segmentId;

    public override int PredicateCount => target.PredicateCount;

    public override bool Evaluate(PatientFacts facts, in SegmentClock clock) => target.Evaluate(facts, clock);

    public override ExplanationNode Explain(PatientFacts facts, in SegmentClock clock)
    {
        var inner = target.Explain(facts, clock);
        return new(Path, Kind + ":" + SegmentId, inner.Held, [inner]);
    }
}
