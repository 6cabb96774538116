using System.Text.Json;

namespace Automation.Persistence.Audit;

/// <summary>Stores <see cref="Engine.Audit.AuditEntry.Details"/> as a JSON object with sorted keys.</summary>
internal static class AuditDetails
{
    public static string? Serialize(IReadOnlyDictionary<string, string>? details) =>
        details is null || details.Count == 0 ? null : JsonSerializer.Serialize(new SortedDictionary<string, string>(details.ToDictionary(), StringComparer.Ordinal));

    public static IReadOnlyDictionary<string, string>? Parse(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);
}
