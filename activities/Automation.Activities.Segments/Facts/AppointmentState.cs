namespace Automation.Activities.Segments.Facts;

/// <summary>Appointment statuses segments distinguish.</summary>
public enum AppointmentState : byte
{
    /// <summary>Any other status (proposed, pending, waitlist, ...).</summary>
    Other,

    /// <summary>booked.</summary>
    Booked,

    /// <summary>fulfilled or arrived/checked-in.</summary>
    Fulfilled,

    /// <summary>noshow.</summary>
    NoShow,

    /// <summary>cancelled.</summary>
    Cancelled,
}
