namespace Automation.Activities.Segments.Facts;

/// <summary>A coverage: kind, whether its status is active, and its period (day numbers; open ends are int.MinValue/int.MaxValue).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Active">Status active.</param>
/// <param name="StartDay">First day.</param>
/// <param name="EndDay">Last day.</param>
public readonly record struct CoverageEntry(CoverageKind Kind, bool Active, int StartDay, int EndDay);
