using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

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
