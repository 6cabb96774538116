namespace Automation.Activities.Segments.Facts;

/// <summary>An immunization (CVX).</summary>
/// <param name="Code">The CVX code (interned).</param>
/// <param name="AtMinute">When, in minutes since the Unix epoch.</param>
/// <param name="Completed">Status completed.</param>
public readonly record struct ImmunizationEntry(string Code, int AtMinute, bool Completed);
