using System.Text.Json.Nodes;

namespace Automation.Engine.Definitions;

/// <summary>The <c>Elsa.Flowchart</c> root: activities and the connections between their ports.</summary>
public sealed class Flowchart
{
    internal Flowchart(JsonObject json, IReadOnlyList<ActivityNode> activities, IReadOnlyList<Connection> connections)
    {
        Json = json;
        Activities = activities;
        Connections = connections;
    }

    /// <summary>The flowchart's JSON.</summary>
    public JsonObject Json { get; }

    /// <summary>The root's id, normally <c>root</c>.</summary>
    public string Id => Definitions.Json.GetString(Json, "id") ?? "root";

    /// <summary>The activities.</summary>
    public IReadOnlyList<ActivityNode> Activities { get; }

    /// <summary>The connections.</summary>
    public IReadOnlyList<Connection> Connections { get; }
}
