using System.Text.Json.Nodes;

namespace Automation.Engine.Definitions;

/// <summary>An activity placed in a flowchart, as stored: a view over its JSON object.</summary>
public sealed class ActivityNode
{
    internal ActivityNode(JsonObject json) => Json = json;

    /// <summary>The activity's JSON; inputs are properties named by the camelCased input name.</summary>
    public JsonObject Json { get; }

    /// <summary>The activity id, unique in the flowchart.</summary>
    public string Id => Definitions.Json.GetString(Json, "id") ?? "";

    /// <summary>The activity type name, for example <c>Elsa.WriteLine</c>.</summary>
    public string Type => Definitions.Json.GetString(Json, "type") ?? "";

    /// <summary>The activity type version.</summary>
    public int Version => Definitions.Json.GetInt(Json, "version") ?? 1;

    /// <summary>The display name given in the designer.</summary>
    public string? Name => Definitions.Json.GetString(Json, "name");

    /// <summary>The node id, <c>Workflow1:root:&lt;id&gt;</c>.</summary>
    public string NodeId => Definitions.Json.GetString(Json, "nodeId") ?? "";

    /// <summary>Returns the stored input entry for a property name: <c>{typeName, expression:{type,value}}</c> for
    /// wrapped inputs, the bare value (such as FlowSwitch's case array) for unwrapped ones.</summary>
    /// <param name="propertyName">The input's property name, in any case.</param>
    /// <returns>The entry, or <c>null</c> when absent.</returns>
    public JsonNode? GetInput(string propertyName) => Json[JsonNaming.CamelCase(propertyName)];
}
