namespace Automation.Activities.Segments.Evaluation;

/// <summary>Which rules of a segment held for one patient. It names rules by JSON path and kind only: no patient values.</summary>
/// <param name="SegmentId">The segment.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="Matched">Whether the patient is in the segment.</param>
/// <param name="EvaluatedAt">The evaluation instant.</param>
/// <param name="Root">The rule tree with each node's result.</param>
public sealed record SegmentExplanation(string SegmentId, string PatientId, bool Matched, DateTimeOffset EvaluatedAt, ExplanationNode Root);

/// <summary>One rule's result.</summary>
/// <param name="Path">Its JSON path in the segment document (rules inside a referenced segment are prefixed with
/// that segment's id, e.g. <c>at-risk:$.rules.any[0]</c>).</param>
/// <param name="Kind">The rule kind: <c>all</c>, <c>any</c>, <c>not</c>, <c>segment</c> or a predicate name such as <c>age</c>.</param>
/// <param name="Held">Whether it held.</param>
/// <param name="Children">Sub-rules of <c>all</c>, <c>any</c>, <c>not</c> and <c>segment</c> (every one is evaluated, no short cut).</param>
public sealed record ExplanationNode(string Path, string Kind, bool Held, IReadOnlyList<ExplanationNode> Children);
