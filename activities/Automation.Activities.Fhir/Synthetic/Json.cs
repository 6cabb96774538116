using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Automation.Activities.Fhir.Synthetic;

/// <summary>Small FHIR JSON building blocks written straight to a <see cref="Utf8JsonWriter"/>.</summary>
internal static class Json
{
    public static void Id(Utf8JsonWriter w, string prefix, PatientProfile p, int n)
    {
        Span<byte> buf = stackalloc byte[64];
        var pos = System.Text.Encoding.ASCII.GetBytes(prefix, buf);
        buf[pos++] = (byte)'-';
        p.Digits.CopyTo(buf[pos..]);
        pos += p.Digits.Length;
        buf[pos++] = (byte)'-';
        Utf8Formatter.TryFormat(n, buf[pos..], out var written);
        w.WriteString("id"u8, buf[..(pos + written)]);
    }

    public static void Reference(Utf8JsonWriter w, ReadOnlySpan<byte> name, PatientProfile p)
    {
        w.WriteStartObject(name);
        w.WriteString("reference"u8, p.Reference);
        w.WriteEndObject();
    }

    public static void Display(Utf8JsonWriter w, ReadOnlySpan<byte> name, string display)
    {
        w.WriteStartObject(name);
        w.WriteString("display"u8, display);
        w.WriteEndObject();
    }

    public static void Coding(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartObject();
        w.WriteString("system"u8, system);
        w.WriteString("code"u8, code);
        if (display is not null)
        {
            w.WriteString("display"u8, display);
        }

        w.WriteEndObject();
    }

    /// <summary>A CodeableConcept with one coding (and the display as text).</summary>
    public static void Concept(Utf8JsonWriter w, ReadOnlySpan<byte> name, string system, string code, string display)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("coding"u8);
        Coding(w, system, code, display);
        w.WriteEndArray();
        w.WriteString("text"u8, display);
        w.WriteEndObject();
    }

    /// <summary>An array of one CodeableConcept with one coding.</summary>
    public static void ConceptArray(Utf8JsonWriter w, ReadOnlySpan<byte> name, string system, string code, string display)
    {
        w.WriteStartArray(name);
        w.WriteStartObject();
        w.WriteStartArray("coding"u8);
        Coding(w, system, code, display);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    public static void Date(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateOnly date)
    {
        Span<byte> buf = stackalloc byte[10];
        date.TryFormat(buf, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        w.WriteString(name, buf[..written]);
    }

    /// <summary>An instant in UTC, e.g. <c>2026-05-03T14:30:00Z</c>.</summary>
    public static void Instant(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateTime utc) => w.WriteString(name, utc);

    public static void Period(Utf8JsonWriter w, DateTime start, DateTime? end)
    {
        w.WriteStartObject("period"u8);
        Instant(w, "start"u8, start);
        if (end is { } e)
        {
            Instant(w, "end"u8, e);
        }

        w.WriteEndObject();
    }

    public static void Quantity(Utf8JsonWriter w, ReadOnlySpan<byte> name, decimal value, string unit)
    {
        w.WriteStartObject(name);
        w.WriteNumber("value"u8, value);
        w.WriteString("unit"u8, unit);
        w.WriteString("system"u8, Systems.Ucum);
        w.WriteString("code"u8, unit);
        w.WriteEndObject();
    }
}
