namespace Automation.Activities.SecureSend.Timing;

/// <summary>
/// Quiet hours: the daily local-time window in which messages may go out. Pure, so the boundaries (the window's ends,
/// days when clocks change) are tested without a clock.
/// </summary>
/// <param name="Opens">Local time the window opens (inclusive).</param>
/// <param name="Closes">Local time the window closes (exclusive); must be after <paramref name="Opens"/>.</param>
public sealed record SendWindow(TimeOnly Opens, TimeOnly Closes)
{
    /// <summary>08:00 to 20:00, the product default.</summary>
    public static SendWindow Daytime { get; } = new(new TimeOnly(8, 0), new TimeOnly(20, 0));

    /// <summary>The first instant at or after <paramref name="earliest"/> inside the window, in <paramref name="zone"/>.</summary>
    /// <param name="earliest">Not before this instant.</param>
    /// <param name="zone">The recipient's time zone.</param>
    /// <returns>The instant (equal to <paramref name="earliest"/> when it is inside the window).</returns>
    /// <exception cref="ArgumentException">The window is empty or inverted.</exception>
    public DateTimeOffset NextOpening(DateTimeOffset earliest, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (Closes <= Opens)
        {
            throw new ArgumentException($"The send window closes ({Closes:HH\\:mm}) before it opens ({Opens:HH\\:mm}).");
        }

        var local = TimeZoneInfo.ConvertTime(earliest, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (time >= Opens && time < Closes)
        {
            return earliest;
        }

        var day = DateOnly.FromDateTime(local.DateTime);
        if (time >= Closes)
        {
            day = day.AddDays(1);
        }

        var opening = day.ToDateTime(Opens);

        // An opening that falls in a skipped hour (spring forward) moves to the first valid local time after it.
        while (zone.IsInvalidTime(opening))
        {
            opening = opening.AddMinutes(30);
        }

        return new DateTimeOffset(opening, zone.GetUtcOffset(opening));
    }
}
