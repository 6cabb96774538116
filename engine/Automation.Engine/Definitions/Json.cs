using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Engine.Definitions;

/// <summary>Tolerant readers for Elsa JSON, where numbers and booleans may arrive as strings.</summary>
internal static class Json
{
    public static string? GetString(JsonObject? obj, string name) => obj?[name] is JsonValue value ? AsString(value) : null;

    public static string? AsString(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => null,
    };

    public static int? GetInt(JsonObject? obj, string name)
    {
        if (obj?[name] is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Number when value.TryGetValue<int>(out var number) => number,
            JsonValueKind.Number => (int)value.GetValue<double>(),
            JsonValueKind.String when int.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
    }

    public static bool? GetBool(JsonObject? obj, string name)
    {
        if (obj?[name] is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetValue<string>(), out var parsed) => parsed,
            _ => null,
        };
    }
}
