namespace Automation.Activities.Segments.Repository;

/// <summary>What <see cref="SegmentRepository.DeleteAsync"/> did.</summary>
/// <param name="Deleted">The segment was deleted.</param>
/// <param name="ReferencedBy">Segments that reference it (then it was not deleted).</param>
public sealed record SegmentDeleteResult(bool Deleted, IReadOnlyList<string> ReferencedBy);
