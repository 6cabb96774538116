using System.Diagnostics;
using System.Globalization;

namespace Automation.Cli.Campaign;

/// <summary>
/// CPU time spent over the measured run: this process's (the engine, relay and in-process SMTP server), and every core's
/// busy time from <c>/proc/stat</c> (PostgreSQL on the same box included; steal and idle excluded). Per message it is a
/// figure that a busy shared machine disturbs less than messages per second does.
/// </summary>
internal sealed class CpuMeter
{
    private readonly TimeSpan processStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan? machineStart = MachineBusy();

    /// <summary>The CPU used since the meter was created: this process's, and the machine's when it can be read.</summary>
    public (TimeSpan Process, TimeSpan? Machine) Elapsed()
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime - processStart;
        return (process, MachineBusy() is { } now && machineStart is { } start ? now - start : null);
    }

    // The first line of /proc/stat: cpu user nice system idle iowait irq softirq steal ... in clock ticks (USER_HZ, 100/s).
    private static TimeSpan? MachineBusy()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Ticks(int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
            var busy = Ticks(1) + Ticks(2) + Ticks(3) + Ticks(6) + Ticks(7);
            return TimeSpan.FromMilliseconds(busy * 10);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // not Linux
        }
    }
}
