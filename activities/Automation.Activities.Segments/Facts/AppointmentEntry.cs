namespace Automation.Activities.Segments.Facts;

/// <summary>An appointment.</summary>
/// <param name="State">Its status.</param>
/// <param name="StartMinute">Start, in minutes since the Unix epoch.</param>
public readonly record struct AppointmentEntry(AppointmentState State, int StartMinute);
