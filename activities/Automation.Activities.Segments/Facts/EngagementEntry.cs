namespace Automation.Activities.Segments.Facts;

/// <summary>A behavioural event.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="AtMinute">When, in minutes since the Unix epoch.</param>
/// <param name="Automated">Classified as automated (privacy proxy, scanner).</param>
public readonly record struct EngagementEntry(EngagementKind Kind, int AtMinute, bool Automated);
