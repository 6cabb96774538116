using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Evaluation;

/// <summary>The evaluation instant, fixed once per evaluation or count so that every patient is judged at the same
/// moment. Windows ("within N days") are inclusive and have minute resolution.</summary>
public readonly struct SegmentClock
{
    private SegmentClock(DateTimeOffset now)
    {
        Now = now.ToUniversalTime();
        NowMinute = FactCodes.Minute(Now);
        Today = DateOnly.FromDateTime(Now.UtcDateTime);
        TodayDay = Today.DayNumber;
    }

    /// <summary>The instant (UTC).</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The instant in minutes since the Unix epoch.</summary>
    public int NowMinute { get; }

    /// <summary>The UTC date of <see cref="Now"/>: ages are computed on it.</summary>
    public DateOnly Today { get; }

    /// <summary><see cref="Today"/> as a day number.</summary>
    public int TodayDay { get; }

    /// <summary>A clock at an instant.</summary>
    /// <param name="now">The instant.</param>
    /// <returns>The clock.</returns>
    public static SegmentClock At(DateTimeOffset now) => new(now);

    /// <summary>A clock at a time provider's current instant.</summary>
    /// <param name="timeProvider">The time provider (a fake one in tests).</param>
    /// <returns>The clock.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public static SegmentClock From(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new(timeProvider.GetUtcNow());
    }

    /// <summary>The first minute of a window of <paramref name="days"/> days ending now (inclusive).</summary>
    /// <param name="days">The window length.</param>
    /// <returns>The minute.</returns>
    public int DaysAgo(int days) => NowMinute - (days * 1440);

    /// <summary>The minute <paramref name="months"/> calendar months ago.</summary>
    /// <param name="months">The months.</param>
    /// <returns>The minute.</returns>
    public int MonthsAgo(int months) => FactCodes.Minute(Now.AddMonths(-months));
}
