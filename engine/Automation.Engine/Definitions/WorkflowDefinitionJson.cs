using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Engine.Definitions;

/// <summary>Reads and writes workflow definitions in Elsa 3's JSON format (including Elsa's export format with <c>$schema</c>).</summary>
public static class WorkflowDefinitionJson
{
    /// <summary>The flowchart root type.</summary>
    public const string FlowchartType = "Elsa.Flowchart";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Parses a definition and fills what Elsa Studio expects but may omit: node ids, empty activity and
    /// connection lists, version 1.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="WorkflowDefinitionFormatException">The text is not JSON, or not a flowchart definition.</exception>
    public static WorkflowDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            throw new WorkflowDefinitionFormatException(
                $"Malformed JSON at line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1}: {FirstSentence(exception.Message)}",
                exception.Path ?? "$",
                exception);
        }

        if (node is not JsonObject document)
        {
            throw new WorkflowDefinitionFormatException("A workflow definition must be a JSON object.", "$");
        }

        return FromDocument(document);
    }

    /// <summary>Wraps an already parsed JSON object (which becomes the definition's document).</summary>
    /// <param name="document">The definition JSON.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="WorkflowDefinitionFormatException">The object is not a flowchart definition.</exception>
    public static WorkflowDefinition FromDocument(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document["root"] is null)
        {
            document["root"] = new JsonObject { ["type"] = FlowchartType, ["id"] = "root" };
        }

        if (document["root"] is not JsonObject root)
        {
            throw new WorkflowDefinitionFormatException("'root' must be an object.", "$.root");
        }

        var rootType = Json.GetString(root, "type");
        if (rootType != FlowchartType)
        {
            throw new WorkflowDefinitionFormatException($"The root activity must be of type '{FlowchartType}', not '{rootType}'.", "$.root.type");
        }

        root["id"] ??= "root";
        root["version"] ??= 1;
        var rootNodeId = Json.GetString(root, "nodeId");
        if (string.IsNullOrEmpty(rootNodeId))
        {
            rootNodeId = "Workflow1:" + Json.GetString(root, "id");
            root["nodeId"] = rootNodeId;
        }

        var activities = ReadActivities(root, rootNodeId);
        var connections = ReadConnections(root);
        document["version"] ??= 1;
        return new WorkflowDefinition(document, new Flowchart(root, activities, connections));
    }

    /// <summary>Writes a definition as indented JSON, including every property it was read with.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Document.ToJsonString(Indented);
    }

    private static List<ActivityNode> ReadActivities(JsonObject root, string rootNodeId)
    {
        if (root["activities"] is not JsonArray array)
        {
            if (root["activities"] is not null)
            {
                throw new WorkflowDefinitionFormatException("'activities' must be an array.", "$.root.activities");
            }

            array = [];
            root["activities"] = array;
        }

        var result = new List<ActivityNode>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject activity)
            {
                throw new WorkflowDefinitionFormatException("Each activity must be an object.", $"$.root.activities[{i}]");
            }

            if (string.IsNullOrEmpty(Json.GetString(activity, "nodeId")) && Json.GetString(activity, "id") is { Length: > 0 } id)
            {
                activity["nodeId"] = rootNodeId + ":" + id;
            }

            result.Add(new ActivityNode(activity));
        }

        return result;
    }

    private static List<Connection> ReadConnections(JsonObject root)
    {
        if (root["connections"] is not JsonArray array)
        {
            if (root["connections"] is not null)
            {
                throw new WorkflowDefinitionFormatException("'connections' must be an array.", "$.root.connections");
            }

            array = [];
            root["connections"] = array;
        }

        var result = new List<Connection>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject connection)
            {
                throw new WorkflowDefinitionFormatException("Each connection must be an object.", $"$.root.connections[{i}]");
            }

            result.Add(ReadConnection(connection));
        }

        return result;
    }

    // Elsa 3.0 wrote {source:"a", sourcePort:"Done", target:"b", targetPort:"In"}; 3.1+ writes {source:{activity,port}, target:{...}}.
    private static Connection ReadConnection(JsonObject connection)
    {
        static (string Activity, string? Port) End(JsonObject connection, string side)
        {
            return connection[side] switch
            {
                JsonObject end => (Json.GetString(end, "activity") ?? "", Json.GetString(end, "port")),
                JsonValue value => (Json.AsString(value) ?? "", Json.GetString(connection, side + "Port")),
                _ => ("", null),
            };
        }

        var (source, sourcePort) = End(connection, "source");
        var (target, targetPort) = End(connection, "target");
        return new Connection(source, sourcePort ?? "Done", target, targetPort ?? "In");
    }

    private static string FirstSentence(string message)
    {
        var index = message.IndexOf(" Path:", StringComparison.Ordinal);
        return index > 0 ? message[..index] : message;
    }
}
