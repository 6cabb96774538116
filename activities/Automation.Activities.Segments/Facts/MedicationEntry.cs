namespace Automation.Activities.Segments.Facts;

/// <summary>A medication request (RxNorm).</summary>
/// <param name="Code">The RxNorm code (interned).</param>
/// <param name="Active">Status active.</param>
public readonly record struct MedicationEntry(string Code, bool Active);
