using System.Globalization;

namespace Automation.Server.Fhir;

/// <summary>Missing event numbers as sorted ranges, written <c>2-3,7</c>; late arrivals are removed again.</summary>
internal sealed class EventGaps
{
    private readonly List<(long From, long To)> ranges = [];

    public static EventGaps Parse(string text)
    {
        var gaps = new EventGaps();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            var from = long.Parse(bounds[0], CultureInfo.InvariantCulture);
            gaps.Add(from, bounds.Length > 1 ? long.Parse(bounds[1], CultureInfo.InvariantCulture) : from);
        }

        return gaps;
    }

    public void Add(long from, long to)
    {
        ranges.Add((from, to));
        ranges.Sort();
    }

    public void Remove(long number)
    {
        var index = ranges.FindIndex(r => r.From <= number && number <= r.To);
        if (index < 0)
        {
            return;
        }

        var (from, to) = ranges[index];
        ranges.RemoveAt(index);
        if (number + 1 <= to)
        {
            ranges.Insert(index, (number + 1, to));
        }

        if (from <= number - 1)
        {
            ranges.Insert(index, (from, number - 1));
        }
    }

    public override string ToString() =>
        string.Join(",", ranges.Select(r => r.From == r.To ? r.From.ToString(CultureInfo.InvariantCulture) : $"{r.From}-{r.To}"));
}
