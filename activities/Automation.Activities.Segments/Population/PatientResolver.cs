using System.Text;
using System.Text.Json;

namespace Automation.Activities.Segments.Population;

/// <summary>Maps <c>Patient/&lt;id&gt;</c> references to patient indexes. Files list a patient's resources together,
/// so the last reference is remembered and compared byte for byte before any lookup.</summary>
internal sealed class PatientResolver(Dictionary<string, int> byId)
{
    private static readonly byte[] Prefix = "Patient/"u8.ToArray();
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup = byId.GetAlternateLookup<ReadOnlySpan<char>>();
    private byte[] last = new byte[64];
    private int lastLength = -1;
    private int lastIndex = -1;

    /// <summary>The index of a reference string value, or -1.</summary>
    public int Resolve(JsonElement reference)
    {
        if (reference.ValueKind != JsonValueKind.String)
        {
            return -1;
        }

        var raw = Utf8Values.Raw(reference);
        if (raw.Length == lastLength && raw.SequenceEqual(last.AsSpan(0, lastLength)))
        {
            return lastIndex;
        }

        var id = raw.StartsWith(Prefix) ? raw[Prefix.Length..] : raw;
        if (id.Length is 0 or > 256)
        {
            return -1;
        }

        Span<char> chars = stackalloc char[id.Length];
        var count = Encoding.UTF8.GetChars(id, chars);
        var index = lookup.TryGetValue(chars[..count], out var found) ? found : -1;
        if (raw.Length > last.Length)
        {
            last = new byte[raw.Length * 2];
        }

        raw.CopyTo(last);
        lastLength = raw.Length;
        lastIndex = index;
        return index;
    }

    /// <summary>The index of <c>{"reference": "Patient/.."}</c> under <paramref name="property"/>, or -1.</summary>
    public int ResolveProperty(JsonElement root, string property) =>
        root.TryGetProperty(property, out var holder) && holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("reference", out var reference) ? Resolve(reference) : -1;
}
