using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Population;

/// <summary>Reads JSON string values without allocating: FHIR dates as day numbers or minutes, codes as interned strings.</summary>
internal sealed class Utf8Values
{
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;
    private readonly Dictionary<string, string> interned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public Utf8Values()
    {
        lookup = interned.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The raw UTF-8 of a string value, without quotes (escapes are left as they are; codes and dates have none).</summary>
    public static ReadOnlySpan<byte> Raw(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
    }

    public string? Intern(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var raw = Raw(element);
        if (raw.Length > 128 || raw.Contains((byte)'\\'))
        {
            return string.Intern(element.GetString()!);
        }

        Span<char> chars = stackalloc char[raw.Length];
        var count = Encoding.UTF8.GetChars(raw, chars);
        var key = chars[..count];
        if (lookup.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var value = string.Intern(key.ToString());
        interned[value] = value;
        return value;
    }

    /// <summary>A FHIR date or dateTime as a day number (the date part), or null.</summary>
    public static int? Day(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var raw = Raw(element);
        return raw.Length >= 10 && TryDate(raw, out var y, out var m, out var d) ? new DateOnly(y, m, d).DayNumber : null;
    }

    /// <summary>A FHIR date or dateTime as minutes since the Unix epoch (a bare date is its midnight UTC), or int.MinValue.</summary>
    public static int Minute(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return int.MinValue;
        }

        var raw = Raw(element);
        if (raw.Length < 10 || !TryDate(raw, out var y, out var mo, out var d))
        {
            return int.MinValue;
        }

        long minutes = (long)(new DateOnly(y, mo, d).DayNumber - EpochDay) * 1440;
        if (raw.Length >= 16 && raw[10] == (byte)'T' && Two(raw, 11) is { } h && Two(raw, 14) is { } mi)
        {
            minutes += (h * 60) + mi;
            var zone = raw[16..];
            var sign = zone.IndexOfAny((byte)'+', (byte)'-');
            if (sign >= 0 && zone.Length >= sign + 6 && Two(zone, sign + 1) is { } oh && Two(zone, sign + 4) is { } om)
            {
                minutes -= (zone[sign] == (byte)'+' ? 1 : -1) * ((oh * 60) + om);
            }
        }

        return (int)Math.Clamp(minutes, int.MinValue + 1, int.MaxValue);
    }

    public static int Zip(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return PatientFacts.Unknown;
        }

        var raw = Raw(element);
        if (raw.Length < 5)
        {
            return PatientFacts.Unknown;
        }

        var value = 0;
        for (var i = 0; i < 5; i++)
        {
            if (raw[i] is < (byte)'0' or > (byte)'9')
            {
                return PatientFacts.Unknown;
            }

            value = (value * 10) + (raw[i] - '0');
        }

        return value;
    }

    private static bool TryDate(ReadOnlySpan<byte> raw, out int year, out int month, out int day)
    {
        year = month = day = 0;
        if (raw[4] != (byte)'-' || raw[7] != (byte)'-' || Two(raw, 0) is not { } c || Two(raw, 2) is not { } yy || Two(raw, 5) is not { } m || Two(raw, 8) is not { } d)
        {
            return false;
        }

        year = (c * 100) + yy;
        month = m;
        day = d;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static int? Two(ReadOnlySpan<byte> raw, int at) =>
        raw.Length > at + 1 && raw[at] is >= (byte)'0' and <= (byte)'9' && raw[at + 1] is >= (byte)'0' and <= (byte)'9'
            ? ((raw[at] - '0') * 10) + (raw[at + 1] - '0')
            : null;
}
