using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Language;

/// <summary>A segment compiled once into a tree of typed predicates; evaluating it reads only <see cref="PatientFacts"/>.
/// Thread-safe: it holds no per-evaluation state.</summary>
public sealed class CompiledSegment
{
    internal CompiledSegment(string id, string? name, string? description, Rule root, IEnumerable<string> references)
    {
        Id = id;
        Name = name;
        Description = description;
        Root = root;
        References = [.. references];
    }

    /// <summary>The segment id.</summary>
    public string Id { get; }

    /// <summary>The display name, if any.</summary>
    public string? Name { get; }

    /// <summary>The description, if any.</summary>
    public string? Description { get; }

    /// <summary>Every segment id referenced, directly or through other segments.</summary>
    public IReadOnlyList<string> References { get; }

    /// <summary>How many predicates (leaf rules) the segment evaluates, references included.</summary>
    public int PredicateCount => Root.PredicateCount;

    internal Rule Root { get; }

    /// <summary>Whether a patient is in the segment.</summary>
    /// <param name="facts">The patient's facts.</param>
    /// <param name="clock">The evaluation instant.</param>
    /// <returns><c>true</c> when the rules hold.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="facts"/> is null.</exception>
    public bool Matches(PatientFacts facts, in SegmentClock clock)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Root.Evaluate(facts, clock);
    }

    /// <summary>Evaluates every rule (no short cut) and reports which held, by JSON path.</summary>
    /// <param name="facts">The patient's facts.</param>
    /// <param name="clock">The evaluation instant.</param>
    /// <returns>The explanation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="facts"/> is null.</exception>
    public SegmentExplanation Explain(PatientFacts facts, in SegmentClock clock)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var root = Root.Explain(facts, clock);
        return new SegmentExplanation(Id, facts.Id, root.Held, clock.Now, root);
    }
}
