using System.Text.Json.Nodes;

namespace Automation.Engine.Definitions;

/// <summary>A declared workflow variable.</summary>
/// <param name="Id">The variable id.</param>
/// <param name="Name">The variable name, used by expressions.</param>
/// <param name="TypeName">Elsa's type alias, for example <c>String</c> or <c>Int32</c>.</param>
/// <param name="Value">The initial value as stored, if any.</param>
public sealed record VariableDefinition(string Id, string Name, string TypeName, JsonNode? Value)
{
    internal static IReadOnlyList<VariableDefinition> ReadAll(JsonArray? array)
    {
        if (array is null)
        {
            return [];
        }

        var result = new List<VariableDefinition>(array.Count);
        foreach (var item in array.OfType<JsonObject>())
        {
            var name = Json.GetString(item, "name") ?? "";
            result.Add(new VariableDefinition(Json.GetString(item, "id") ?? name, name, Json.GetString(item, "typeName") ?? "Object", item["value"]));
        }

        return result;
    }
}
