namespace Automation.Activities.Segments.Evaluation;

/// <summary>One rule's result.</summary>
/// <param name="Path">Its JSON path in the segment document (rules inside a referenced segment are prefixed with
/// that segment's id, e.g. <c>at-risk:$.rules.any[0]</c>).</param>
/// <param name="Kind">The rule kind: <c>all</c>, <c>any</c>, <c>not</c>, <c>segment</c> or a predicate name such as <c>age</c>.</param>
/// <param name="Held">Whether it held.</param>
/// <param name="Children">Sub-rules of <c>all</c>, <c>any</c>, <c>not</c> and <c>segment</c> (every one is evaluated, no short cut).</param>
public sealed record ExplanationNode(string Path, string Kind, bool Held, IReadOnlyList<ExplanationNode> Children);
