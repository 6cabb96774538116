using System.Text.Json;

namespace Automation.Persistence.Audit;

/// <summary>Stores <see cref="Engine.Audit.AuditEntry.Details"/> as a JSON object with sorted keys.</summary>
internal static class AuditDetails
{
    public static string? Serialize(IReadOnlyDictionary<string, string>? details) =>
        details is null || details.Count == 0 ? null : JsonSerializer.Serialize(new SortedDictionary<string, string>(details.ToDictionary(), StringComparer.Ordinal));

    /// <summary>Reads stored details. A value that is not a JSON object of strings (someone edited the row) comes back
    /// as one <c>&lt;unreadable&gt;</c> entry holding the raw text, so verification reports that record instead of failing.</summary>
    public static IReadOnlyDictionary<string, string>? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? new Dictionary<string, string> { ["<unreadable>"] = json };
        }
        catch (JsonException)
        {
            return new Dictionary<string, string> { ["<unreadable>"] = json };
        }
    }
}
