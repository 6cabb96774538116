using System.Text.Json.Nodes;
using Automation.Engine.Definitions;

namespace Automation.Server.Elsa.Definitions;

/// <summary>A hypermedia link as Elsa writes it.</summary>
internal sealed record ElsaLink(string Href, string Rel, string Method);

/// <summary>A row of Elsa's definition list.</summary>
internal sealed record WorkflowDefinitionSummary(
    string Id,
    string DefinitionId,
    string? Name,
    string? Description,
    int Version,
    string? ToolVersion,
    bool IsLatest,
    bool IsPublished,
    string MaterializerName,
    bool IsMaterializerAvailable,
    bool IsReadonly,
    bool IsSystem,
    DateTimeOffset? CreatedAt)
{
    public static WorkflowDefinitionSummary From(WorkflowDefinition definition) => new(
        definition.Id,
        definition.DefinitionId,
        definition.Name,
        definition.Description,
        definition.Version,
        definition.Document["toolVersion"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? definition.Document["toolVersion"]!.GetValue<string>() : null,
        definition.IsLatest,
        definition.IsPublished,
        "Json",
        true,
        false,
        false,
        definition.CreatedAt);
}

/// <summary>Elsa's paged list.</summary>
internal sealed record PagedList<T>(IReadOnlyList<T> Items, long TotalCount)
{
    public IReadOnlyList<ElsaLink> Links { get; init; } = [];
}

/// <summary>Elsa's plain list.</summary>
internal sealed record ItemList<T>(IReadOnlyList<T> Items, long Count);

/// <summary>The answer to save and publish.</summary>
internal sealed record SaveDefinitionResponse(JsonObject WorkflowDefinition, bool AlreadyPublished, int ConsumingWorkflowCount);

/// <summary>The answer to is-name-unique.</summary>
internal sealed record IsNameUniqueResponse(bool IsUnique);

/// <summary>Studio's execute body.</summary>
internal sealed class ExecuteDefinitionRequest
{
    public string? CorrelationId { get; set; }
    public string? TriggerActivityId { get; set; }
    public string? VersionOptions { get; set; }
    public Dictionary<string, object?>? Input { get; set; }
}

/// <summary>Builds the definition JSON Studio opens: the stored document plus Elsa's defaults and links.</summary>
internal static class DefinitionModel
{
    public const string SchemaUrl = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json";

    public static JsonObject ToModel(WorkflowDefinition definition, bool canEdit)
    {
        var model = (JsonObject)definition.Document.DeepClone();
        model.Remove("$schema");
        model["toolVersion"] ??= "3.8.2.0";
        model["variables"] ??= new JsonArray();
        model["inputs"] ??= new JsonArray();
        model["outputs"] ??= new JsonArray();
        model["outcomes"] ??= new JsonArray();
        model["customProperties"] ??= new JsonObject();
        model["isReadonly"] ??= false;
        model["isSystem"] ??= false;
        model["materializerName"] ??= "Json";
        model["options"] ??= new JsonObject();
        model["links"] = new JsonArray(Links(definition.DefinitionId, canEdit).Select(l => (JsonNode)new JsonObject
        {
            ["href"] = l.Href,
            ["rel"] = l.Rel,
            ["method"] = l.Method,
        }).ToArray());
        return model;
    }

    public static JsonObject ToExport(WorkflowDefinition definition)
    {
        var export = new JsonObject { ["$schema"] = SchemaUrl };
        foreach (var (key, value) in definition.Document)
        {
            if (key is not ("$schema" or "links"))
            {
                export[key] = value?.DeepClone();
            }
        }

        return export;
    }

    private static IEnumerable<ElsaLink> Links(string definitionId, bool canEdit)
    {
        var id = Uri.EscapeDataString(definitionId);
        yield return new ElsaLink($"/workflow-definitions/by-definition-id/{id}", "self", "GET");
        yield return new ElsaLink($"/workflow-definitions?definitionIds={id}&versionOptions=AllVersions", "versions", "GET");
        yield return new ElsaLink($"/workflow-definitions/{id}/execute", "execute", "POST");
        yield return new ElsaLink($"/workflow-definitions/{id}/export", "export", "GET");
        if (canEdit)
        {
            yield return new ElsaLink($"/workflow-definitions/{id}/publish", "publish", "POST");
            yield return new ElsaLink($"/workflow-definitions/{id}/retract", "retract", "POST");
            yield return new ElsaLink($"/workflow-definitions/{id}", "delete", "DELETE");
            yield return new ElsaLink($"/workflow-definitions/{id}/import", "import", "PUT");
        }
    }
}
