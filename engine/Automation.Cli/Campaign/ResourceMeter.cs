using System.Diagnostics;
using System.Globalization;

namespace Automation.Cli.Campaign;

/// <summary>
/// What the measured run used: CPU time, this process's (the engine, relay and in-process SMTP server) and every core's
/// busy time from <c>/proc/stat</c> (PostgreSQL on the same box included; steal and idle excluded), the bytes this
/// process allocated with the collections they caused, and how long those collections paused it. Per message these are
/// figures that a busy shared machine disturbs less than messages per second does; allocation hardly varies between
/// identical runs at all.
/// </summary>
internal sealed class ResourceMeter
{
    private readonly TimeSpan processStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan? machineStart = MachineBusy();
    private readonly long allocatedStart = GC.GetTotalAllocatedBytes(precise: true);
    private readonly int[] collectionsStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan pausedStart = GC.GetTotalPauseDuration();

    /// <summary>The resources used since the meter was created; the machine's CPU when it can be read.</summary>
    public ResourceUse Elapsed()
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime - processStart;
        return new ResourceUse(
            process,
            MachineBusy() is { } now && machineStart is { } start ? now - start : null,
            GC.GetTotalAllocatedBytes(precise: true) - allocatedStart,
            [.. Enumerable.Range(0, 3).Select(generation => GC.CollectionCount(generation) - collectionsStart[generation])],
            GC.GetTotalPauseDuration() - pausedStart);
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

/// <summary>What a measured run used (see <see cref="ResourceMeter"/>).</summary>
/// <param name="Process">This process's CPU time.</param>
/// <param name="Machine">All cores' busy time, when the platform tells it.</param>
/// <param name="AllocatedBytes">Bytes this process allocated.</param>
/// <param name="Collections">Garbage collections of generations 0, 1 and 2.</param>
/// <param name="GcPause">How long collections paused this process's threads.</param>
internal sealed record ResourceUse(TimeSpan Process, TimeSpan? Machine, long AllocatedBytes, IReadOnlyList<int> Collections, TimeSpan GcPause);
