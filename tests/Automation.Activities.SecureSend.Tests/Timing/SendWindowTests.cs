using Automation.Activities.SecureSend.Timing;

namespace Automation.Activities.SecureSend.Tests.Timing;

public sealed class SendWindowTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    [Theory]
    [InlineData("2026-11-28T13:00:00Z", "2026-11-28T13:00:00Z")] // 08:00 New York: the window has just opened
    [InlineData("2026-11-28T00:59:59Z", "2026-11-28T00:59:59Z")] // 19:59:59 New York: still open
    [InlineData("2026-11-28T01:00:00Z", "2026-11-28T13:00:00Z")] // 20:00 New York: closed, next morning 08:00
    [InlineData("2026-11-28T12:59:00Z", "2026-11-28T13:00:00Z")] // 07:59 New York: later the same morning
    public void Opening_in_new_york_respects_both_ends_of_the_window(string earliest, string expected)
    {
        var at = SendWindow.Daytime.NextOpening(DateTimeOffset.Parse(earliest), NewYork);
        Assert.Equal(DateTimeOffset.Parse(expected), at);
    }

    [Fact]
    public void The_same_instant_is_quiet_hours_in_one_zone_and_open_in_another()
    {
        var earliest = DateTimeOffset.Parse("2026-11-28T14:30:00Z"); // 09:30 New York, 06:30 Los Angeles
        Assert.Equal(earliest, SendWindow.Daytime.NextOpening(earliest, NewYork));
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T16:00:00Z"), SendWindow.Daytime.NextOpening(earliest, LosAngeles));
    }

    [Fact]
    public void Across_the_spring_clock_change_the_opening_is_08_00_local_daylight_time()
    {
        // 2027-03-14 is the US spring-forward day: 08:00 EDT is 12:00 UTC, not 13:00.
        var at = SendWindow.Daytime.NextOpening(DateTimeOffset.Parse("2027-03-14T03:00:00Z"), NewYork);
        Assert.Equal(DateTimeOffset.Parse("2027-03-14T12:00:00Z"), at);
    }

    [Fact]
    public void An_inverted_window_is_refused_with_both_times_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => new SendWindow(new TimeOnly(20, 0), new TimeOnly(8, 0)).NextOpening(DateTimeOffset.UnixEpoch, NewYork));
        Assert.Contains("08:00", error.Message, StringComparison.Ordinal);
        Assert.Contains("20:00", error.Message, StringComparison.Ordinal);
    }
}
