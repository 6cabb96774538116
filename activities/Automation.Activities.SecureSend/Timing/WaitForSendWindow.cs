using System.Globalization;
using Automation.Engine.Activities;

namespace Automation.Activities.SecureSend.Timing;

/// <summary>
/// Waits until a message may be sent: not before an instant (say, 72 hours before an appointment) and only inside the
/// recipient's daytime window in their own time zone (quiet hours). Suspends on a timer, never polls.
/// </summary>
[Activity("Healthcare", "Healthcare", "Waits for the next moment inside the recipient's send window (quiet hours), not before a given instant.", DisplayName = "Wait For Send Window")]
public sealed class WaitForSendWindow : Activity
{
    /// <summary>Not before this instant; empty means now.</summary>
    [Input(Description = "Not before this instant (ISO 8601); empty means now.", UIHint = UIHints.DateTimePicker)]
    public Input<DateTimeOffset?> NotBefore { get; set; } = new();

    /// <summary>The recipient's IANA time zone (the patient context's <c>timeZone</c>).</summary>
    [Input(Description = "The recipient's IANA time zone, e.g. the patient context's timeZone.", DefaultValue = "America/New_York")]
    public Input<string> TimeZone { get; set; } = new();

    /// <summary>Local opening time, HH:mm.</summary>
    [Input(Description = "Local time the window opens (HH:mm).", DefaultValue = "08:00")]
    public Input<string> Opens { get; set; } = new();

    /// <summary>Local closing time, HH:mm.</summary>
    [Input(Description = "Local time the window closes (HH:mm).", DefaultValue = "20:00")]
    public Input<string> Closes { get; set; } = new();

    /// <summary>The instant the window opened for this message.</summary>
    [Output(Description = "The instant the message may go out.")]
    public Output<DateTimeOffset> SendAt { get; set; } = new();

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var now = context.TimeProvider.GetUtcNow();
        var earliest = context.Get(NotBefore) is { } notBefore && notBefore > now ? notBefore : now;
        TimeZoneInfo zone;
        SendWindow window;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(context.Get(TimeZone) is { Length: > 0 } id ? id : "America/New_York");
            window = new SendWindow(ParseTime(context.Get(Opens), "Opens"), ParseTime(context.Get(Closes), "Closes"));
            var sendAt = window.NextOpening(earliest, zone);
            context.Set(SendAt, sendAt);
            if (sendAt <= now)
            {
                context.Complete();
            }
            else
            {
                context.CreateBookmark(resumeAt: sendAt);
            }
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException or FormatException or ArgumentException)
        {
            context.Fault("The send window is invalid: " + exception.Message);
        }

        return ValueTask.CompletedTask;
    }

    private static TimeOnly ParseTime(string? text, string input) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"{input} must be HH:mm, got '{text}'.");
}
