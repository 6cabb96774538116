namespace Automation.Activities.Fhir.Synthetic;

/// <summary>A fixed table of values picked in proportion to integer weights.</summary>
internal sealed class Weighted<T>
{
    private readonly T[] values;
    private readonly int[] cumulative;

    public Weighted(params (T Value, int Weight)[] entries)
    {
        values = new T[entries.Length];
        cumulative = new int[entries.Length];
        var total = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            values[i] = entries[i].Value;
            total += entries[i].Weight;
            cumulative[i] = total;
        }
    }

    public T Pick(Random random)
    {
        var x = random.Next(cumulative[^1]);
        var i = Array.BinarySearch(cumulative, x + 1);
        return values[i < 0 ? ~i : i];
    }
}

/// <summary>Random helpers that need only arithmetic (so the same on every platform).</summary>
internal static class RandomExtensions
{
    /// <summary>True with probability <paramref name="p"/>.</summary>
    public static bool Chance(this Random random, double p) => random.NextDouble() < p;

    /// <summary>An approximately normal value (Irwin-Hall of four uniforms).</summary>
    public static double Normal(this Random random, double mean, double sd)
    {
        var sum = random.NextDouble() + random.NextDouble() + random.NextDouble() + random.NextDouble();
        return mean + ((sum - 2.0) * 1.7320508075688772 * sd);
    }

    public static T Pick<T>(this Random random, T[] values) => values[random.Next(values.Length)];

    /// <summary>A clinic-hours time (08:00-16:45, quarter hours) on a day.</summary>
    public static DateTime ClinicTime(this Random random, DateTime day) => day.AddMinutes((8 * 60) + (15 * random.Next(36)));
}
