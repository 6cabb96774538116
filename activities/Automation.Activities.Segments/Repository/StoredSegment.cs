namespace Automation.Activities.Segments.Repository;

/// <summary>A segment document as stored.</summary>
/// <param name="Id">The segment id.</param>
/// <param name="Document">The JSON document.</param>
/// <param name="UpdatedAt">When it was last written.</param>
public sealed record StoredSegment(string Id, string Document, DateTimeOffset UpdatedAt);
