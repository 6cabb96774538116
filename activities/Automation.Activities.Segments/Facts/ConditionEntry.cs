namespace Automation.Activities.Segments.Facts;

/// <summary>One coding of a condition.</summary>
/// <param name="System">The code system.</param>
/// <param name="Code">The code (interned).</param>
/// <param name="Active">Clinical status active, recurrence or relapse.</param>
/// <param name="OnsetMinute">Onset in minutes since the Unix epoch, or int.MinValue.</param>
public readonly record struct ConditionEntry(CodeSystem System, string Code, bool Active, int OnsetMinute);
