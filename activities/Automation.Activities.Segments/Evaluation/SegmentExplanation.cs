namespace Automation.Activities.Segments.Evaluation;

/// <summary>Which rules of a segment held for one patient. It names rules by JSON path and kind only: no patient values.</summary>
/// <param name="SegmentId">The segment.</param>
/// <param name="PatientId">The patient.</param>
/// <param name="Matched">Whether the patient is in the segment.</param>
/// <param name="EvaluatedAt">The evaluation instant.</param>
/// <param name="Root">The rule tree with each node's result.</param>
public sealed record SegmentExplanation(string SegmentId, string PatientId, bool Matched, DateTimeOffset EvaluatedAt, ExplanationNode Root);
