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
