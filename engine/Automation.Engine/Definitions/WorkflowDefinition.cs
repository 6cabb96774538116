using System.Text.Json.Nodes;

namespace Automation.Engine.Definitions;

/// <summary>
/// One version of a workflow definition in Elsa 3's JSON format. The typed members are a view over
/// <see cref="Document"/>, so properties this engine does not understand (designer metadata, Studio's own fields)
/// survive a load/save round trip untouched.
/// </summary>
public sealed class WorkflowDefinition
{
    internal WorkflowDefinition(JsonObject document, Flowchart root)
    {
        Document = document;
        Root = root;
    }

    /// <summary>The whole JSON document; edits to the typed members write through to it.</summary>
    public JsonObject Document { get; }

    /// <summary>The root flowchart.</summary>
    public Flowchart Root { get; }

    /// <summary>The version id (unique per version).</summary>
    public string Id { get => Json.GetString(Document, "id") ?? ""; set => Document["id"] = value; }

    /// <summary>The definition id shared by all versions.</summary>
    public string DefinitionId { get => Json.GetString(Document, "definitionId") ?? ""; set => Document["definitionId"] = value; }

    /// <summary>The name.</summary>
    public string? Name { get => Json.GetString(Document, "name"); set => Document["name"] = value; }

    /// <summary>The description.</summary>
    public string? Description { get => Json.GetString(Document, "description"); set => Document["description"] = value; }

    /// <summary>The version number, starting at 1.</summary>
    public int Version { get => Json.GetInt(Document, "version") ?? 1; set => Document["version"] = value; }

    /// <summary>Whether this is the newest version.</summary>
    public bool IsLatest { get => Json.GetBool(Document, "isLatest") ?? false; set => Document["isLatest"] = value; }

    /// <summary>Whether this is the published version.</summary>
    public bool IsPublished { get => Json.GetBool(Document, "isPublished") ?? false; set => Document["isPublished"] = value; }

    /// <summary>The journey's re-entry rule, from <c>customProperties["automation:reentry"]</c>: <c>notWhileActive</c>
    /// means a trigger does not start a second instance for a correlation id (a patient) that already has a running or
    /// suspended one. Audience entries always apply the rule.</summary>
    public bool SingleActivePerCorrelation =>
        Document["customProperties"] is System.Text.Json.Nodes.JsonObject properties
        && properties["automation:reentry"] is System.Text.Json.Nodes.JsonValue value
        && value.TryGetValue<string>(out var rule)
        && string.Equals(rule, "notWhileActive", StringComparison.OrdinalIgnoreCase);

    /// <summary>When the version was created.</summary>
    public DateTimeOffset? CreatedAt
    {
        get => Json.GetString(Document, "createdAt") is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var value) ? value : null;
        set => Document["createdAt"] = value?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The declared variables.</summary>
    public IReadOnlyList<VariableDefinition> Variables => VariableDefinition.ReadAll(Document["variables"] as JsonArray);

    /// <summary>The incident strategy type from <c>options.incidentStrategyType</c>, if any.</summary>
    public string? IncidentStrategyType => Json.GetString(Document["options"] as JsonObject, "incidentStrategyType");

    /// <summary>Whether an activity fault leaves the other branches running (Elsa's ContinueWithIncidentsStrategy).</summary>
    public bool ContinueOnIncident => IncidentStrategyType?.Contains("ContinueWithIncidents", StringComparison.OrdinalIgnoreCase) == true;
}
