namespace Automation.Activities.Segments.Facts;

/// <summary>An encounter.</summary>
/// <param name="Class">The class.</param>
/// <param name="StartMinute">Start, in minutes since the Unix epoch.</param>
/// <param name="EndMinute">End (the start when there is none).</param>
public readonly record struct EncounterEntry(EncounterClass Class, int StartMinute, int EndMinute);
