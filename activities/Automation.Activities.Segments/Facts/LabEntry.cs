namespace Automation.Activities.Segments.Facts;

/// <summary>The latest value of one LOINC code.</summary>
/// <param name="Code">The LOINC code (interned).</param>
/// <param name="Value">The value.</param>
/// <param name="AtMinute">When, in minutes since the Unix epoch.</param>
public readonly record struct LabEntry(string Code, double Value, int AtMinute);
