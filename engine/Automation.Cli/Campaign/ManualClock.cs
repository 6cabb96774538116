namespace Automation.Cli.Campaign;

/// <summary>A clock the benchmark moves by hand, so a journey's 7-day waits pass in no time.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    /// <summary>Moves the clock forward to <paramref name="instant"/> (never backwards).</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref ticks);
            if (instant.UtcTicks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref ticks, instant.UtcTicks, current) != current);
    }
}
