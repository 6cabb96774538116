using System.Security.Claims;
using System.Text.Json.Nodes;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Server.Audit;
using Automation.Server.Authorization;
using Automation.Server.Elsa.Instances;
using Automation.Server.Elsa.Shared;
using Automation.Server.Scheduling;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Primitives;

namespace Automation.Server.Elsa.Definitions;

/// <summary>Elsa's <c>/workflow-definitions</c> resource: list, open, save, publish, retract, delete, export, import, execute.</summary>
internal static class WorkflowDefinitionEndpoints
{
    public const string InstanceIdHeader = "x-elsa-workflow-instance-id";

    public static void Map(RouteGroupBuilder read, RouteGroupBuilder edit, RouteGroupBuilder run)
    {
        read.MapGet("/workflow-definitions", ListAsync).WithName("ElsaListWorkflowDefinitions");
        read.MapGet("/workflow-definitions/by-definition-id/{definitionId}", GetByDefinitionIdAsync).WithName("ElsaGetWorkflowDefinition");
        read.MapGet("/workflow-definitions/by-id/{versionId}", GetByVersionIdAsync).WithName("ElsaGetWorkflowDefinitionVersion");
        read.MapGet("/workflow-definitions/validation/is-name-unique", IsNameUniqueAsync).WithName("ElsaIsNameUnique");
        read.MapGet("/workflow-definitions/{definitionId}/export", ExportAsync).WithName("ElsaExportWorkflowDefinition");
        read.MapPost("/workflow-definitions/{definitionId}/export", ExportAsync).WithName("ElsaExportWorkflowDefinitionPost");

        edit.MapPost("/workflow-definitions", SaveAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaSaveWorkflowDefinition");
        edit.MapPost("/workflow-definitions/{definitionId}/publish", PublishAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaPublishWorkflowDefinition");
        edit.MapPost("/workflow-definitions/{definitionId}/retract", RetractAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaRetractWorkflowDefinition");
        edit.MapDelete("/workflow-definitions/{definitionId}", DeleteAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaDeleteWorkflowDefinition");
        edit.MapDelete("/workflow-definitions/by-id/{versionId}", DeleteVersionAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaDeleteWorkflowDefinitionVersion");
        edit.MapDelete("/workflow-definition-versions/{versionId}", DeleteVersionAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaDeleteWorkflowDefinitionVersionStudio");
        edit.MapPost("/workflow-definitions/import", ImportAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaImportWorkflowDefinition");
        edit.MapPut("/workflow-definitions/{definitionId}/import", ImportIntoAsync).AddEndpointFilter<ConfigurationAuditFilter>().WithName("ElsaImportIntoWorkflowDefinition");

        run.MapPost("/workflow-definitions/{definitionId}/execute", ExecuteAsync).WithName("ElsaExecuteWorkflowDefinition");
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var query = request.Query;
        VersionOptions versionOptions;
        try
        {
            versionOptions = VersionOptions.Parse(First(query, "versionOptions"));
        }
        catch (FormatException exception)
        {
            return ElsaHttp.BadRequest("versionOptions", exception.Message);
        }

        if (!TryInt(query, "page", out var page) || !TryInt(query, "pageSize", out var pageSize) || page < 0 || pageSize < 0)
        {
            return ElsaHttp.BadRequest("page", "Page and PageSize must be non-negative whole numbers.");
        }

        var ids = Many(query, "definitionIds").Concat(Many(query, "definitionId")).ToHashSet(StringComparer.Ordinal);
        IEnumerable<WorkflowDefinition> items = ids.Count == 1
            ? await store.ListDefinitionsAsync(versionOptions, ids.First(), cancellationToken).ConfigureAwait(false)
            : (await store.ListDefinitionsAsync(versionOptions, null, cancellationToken).ConfigureAwait(false)).Where(d => ids.Count == 0 || ids.Contains(d.DefinitionId));
        if (First(query, "searchTerm") is { Length: > 0 } term)
        {
            items = items.Where(d => Matches(d.Name, term) || Matches(d.Description, term) || Matches(d.DefinitionId, term));
        }

        var descending = string.Equals(First(query, "orderDirection"), "Descending", StringComparison.OrdinalIgnoreCase);
        items = (First(query, "orderBy") ?? "").ToUpperInvariant() switch
        {
            "NAME" => descending ? items.OrderByDescending(d => d.Name, StringComparer.OrdinalIgnoreCase) : items.OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase),
            "VERSION" => descending ? items.OrderByDescending(d => d.Version) : items.OrderBy(d => d.Version),
            "CREATED" => descending ? items.OrderByDescending(d => d.CreatedAt) : items.OrderBy(d => d.CreatedAt),
            _ => items,
        };

        var all = items.Select(WorkflowDefinitionSummary.From).ToList();
        if (page is not null || pageSize is not null)
        {
            var size = pageSize is null or 0 ? 100 : pageSize.Value;
            return TypedResults.Ok(new PagedList<WorkflowDefinitionSummary>(all.Skip((page ?? 0) * size).Take(size).ToList(), all.Count));
        }

        return TypedResults.Ok(new PagedList<WorkflowDefinitionSummary>(all, all.Count));
    }

    private static async Task<IResult> GetByDefinitionIdAsync(string definitionId, string? versionOptions, ClaimsPrincipal user, IAuthorizationService authorization, IWorkflowStore store, CancellationToken cancellationToken)
    {
        VersionOptions options;
        try
        {
            options = VersionOptions.Parse(versionOptions);
        }
        catch (FormatException exception)
        {
            return ElsaHttp.BadRequest("versionOptions", exception.Message);
        }

        var definition = await store.FindDefinitionAsync(definitionId, options, cancellationToken).ConfigureAwait(false);
        return definition is null
            ? ElsaHttp.NotFound("workflow definition", definitionId)
            : TypedResults.Ok(DefinitionModel.ToModel(definition, await CanEditAsync(user, authorization).ConfigureAwait(false)));
    }

    private static async Task<IResult> GetByVersionIdAsync(string versionId, ClaimsPrincipal user, IAuthorizationService authorization, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var definition = await store.GetDefinitionVersionAsync(versionId, cancellationToken).ConfigureAwait(false);
        return definition is null
            ? ElsaHttp.NotFound("workflow definition version", versionId)
            : TypedResults.Ok(DefinitionModel.ToModel(definition, await CanEditAsync(user, authorization).ConfigureAwait(false)));
    }

    private static async Task<IResult> IsNameUniqueAsync(string? name, string? definitionId, IWorkflowStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return ElsaHttp.BadRequest("name", "The name is required.");
        }

        var latest = await store.ListDefinitionsAsync(VersionOptions.Latest, null, cancellationToken).ConfigureAwait(false);
        var taken = latest.Any(d => d.DefinitionId != definitionId && string.Equals(d.Name?.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase));
        return TypedResults.Ok(new IsNameUniqueResponse(!taken));
    }

    private static async Task<IResult> ExportAsync(string definitionId, string? versionOptions, IWorkflowStore store, CancellationToken cancellationToken)
    {
        VersionOptions options;
        try
        {
            options = VersionOptions.Parse(versionOptions);
        }
        catch (FormatException exception)
        {
            return ElsaHttp.BadRequest("versionOptions", exception.Message);
        }

        var definition = await store.FindDefinitionAsync(definitionId, options, cancellationToken).ConfigureAwait(false);
        if (definition is null)
        {
            return ElsaHttp.NotFound("workflow definition", definitionId);
        }

        var json = DefinitionModel.ToExport(definition).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(json), "application/json", FileName(definition));
    }

    private static async Task<IResult> SaveAsync(HttpRequest request, WorkflowDefinitionService definitions, WorkflowTriggerScheduler triggers, CancellationToken cancellationToken)
    {
        var (body, error) = await ElsaHttp.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (body!["model"] is not JsonObject model)
        {
            return ElsaHttp.BadRequest("model", "The body must carry the definition as an object under 'model'.");
        }

        if (!TryBool(body["publish"], out var publish))
        {
            return ElsaHttp.BadRequest("publish", "'publish' must be true or false.");
        }

        DefinitionSaveResult result;
        try
        {
            result = await definitions.SaveAsync(model, publish, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowDefinitionFormatException exception)
        {
            return ElsaHttp.FormatProblem(exception, "model");
        }

        return await SavedAsync(result, triggers, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> PublishAsync(string definitionId, WorkflowDefinitionService definitions, WorkflowTriggerScheduler triggers, CancellationToken cancellationToken)
    {
        var result = await definitions.PublishAsync(definitionId, cancellationToken).ConfigureAwait(false);
        return result is null
            ? ElsaHttp.NotFound("workflow definition", definitionId)
            : await SavedAsync(result, triggers, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> RetractAsync(string definitionId, IWorkflowStore store, WorkflowDefinitionService definitions, CancellationToken cancellationToken)
    {
        if (await store.FindDefinitionAsync(definitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false) is null)
        {
            return ElsaHttp.NotFound("workflow definition", definitionId);
        }

        var retracted = await definitions.RetractAsync(definitionId, cancellationToken).ConfigureAwait(false);
        return retracted is null
            ? ElsaHttp.BadRequest("definitionId", $"Workflow definition '{definitionId}' has no published version to retract.")
            : TypedResults.Ok(DefinitionModel.ToModel(retracted, canEdit: true));
    }

    private static async Task<IResult> DeleteAsync(string definitionId, WorkflowDefinitionService definitions, CancellationToken cancellationToken) =>
        Deleted(await definitions.DeleteAsync(definitionId, cancellationToken).ConfigureAwait(false), "workflow definition", definitionId);

    private static async Task<IResult> DeleteVersionAsync(string versionId, WorkflowDefinitionService definitions, CancellationToken cancellationToken) =>
        Deleted(await definitions.DeleteVersionAsync(versionId, cancellationToken).ConfigureAwait(false), "workflow definition version", versionId);

    private static IResult Deleted(DefinitionDeleteOutcome outcome, string what, string id) => outcome switch
    {
        DefinitionDeleteOutcome.Deleted => TypedResults.NoContent(),
        DefinitionDeleteOutcome.InUse => ElsaHttp.Conflict($"Running or suspended instances still use {what} '{id}'; cancel or finish them first."),
        _ => ElsaHttp.NotFound(what, id),
    };

    private static Task<IResult> ImportAsync(HttpRequest request, WorkflowDefinitionService definitions, CancellationToken cancellationToken) =>
        ImportCoreAsync(null, request, definitions, cancellationToken);

    private static Task<IResult> ImportIntoAsync(string definitionId, HttpRequest request, WorkflowDefinitionService definitions, CancellationToken cancellationToken) =>
        ImportCoreAsync(definitionId, request, definitions, cancellationToken);

    private static async Task<IResult> ImportCoreAsync(string? definitionId, HttpRequest request, WorkflowDefinitionService definitions, CancellationToken cancellationToken)
    {
        var (body, error) = await ElsaHttp.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        // Elsa exports the definition itself; a save-style {model} wrapper is accepted too.
        var model = body!["model"] as JsonObject ?? body;
        if (model["root"] is null)
        {
            return ElsaHttp.BadRequest("root", "An Elsa workflow definition needs a 'root' flowchart.");
        }

        if (definitionId is not null)
        {
            model["definitionId"] = definitionId;
        }

        try
        {
            var result = await definitions.ImportAsync(model, publish: false, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(DefinitionModel.ToModel(result.Definition!, canEdit: true));
        }
        catch (WorkflowDefinitionFormatException exception)
        {
            return ElsaHttp.FormatProblem(exception, ReferenceEquals(model, body) ? "" : "model");
        }
    }

    private static async Task<IResult> ExecuteAsync(
        string definitionId, HttpRequest request, HttpResponse response, ClaimsPrincipal user, IAuthorizationService authorization,
        IWorkflowStore store, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var (body, error) = await ElsaHttp.ReadAsync<ExecuteDefinitionRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        VersionOptions options;
        try
        {
            options = string.IsNullOrWhiteSpace(body!.VersionOptions) ? VersionOptions.Published : VersionOptions.Parse(body.VersionOptions);
        }
        catch (FormatException exception)
        {
            return ElsaHttp.BadRequest("versionOptions", exception.Message);
        }

        // Running anything but the published version (Studio's Run asks for Latest, a draft) is part of editing.
        if (options != VersionOptions.Published && !await CanEditAsync(user, authorization).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only designers and admins may run a version other than the published one (versionOptions=Published).");
        }

        // The version comes from the store, so a draft run this way can resume later from its bookmarks.
        var definition = await store.FindDefinitionAsync(definitionId, options, cancellationToken).ConfigureAwait(false);
        if (definition is null)
        {
            return ElsaHttp.NotFound("workflow definition", definitionId);
        }

        WorkflowRunResult result;
        try
        {
            result = await runtime.StartAsync(definition, new StartWorkflowOptions
            {
                CorrelationId = body.CorrelationId,
                TriggerActivityId = string.IsNullOrWhiteSpace(body.TriggerActivityId) ? null : body.TriggerActivityId,
                Input = body.Input?.ToDictionary(pair => pair.Key, pair => Automation.Engine.Expressions.PlainJson.Normalize(pair.Value), StringComparer.Ordinal),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowValidationException exception)
        {
            response.Headers["x-elsa-workflow-cannot-start"] = "true";
            return ElsaHttp.ValidationProblems(exception.Problems);
        }

        response.Headers[InstanceIdHeader] = result.InstanceId;
        return TypedResults.Ok(new ExecuteDefinitionResponse(ElsaInstances.ToWorkflowState(result.State, definition)));
    }

    private static async Task<IResult> SavedAsync(DefinitionSaveResult result, WorkflowTriggerScheduler triggers, CancellationToken cancellationToken)
    {
        if (!result.Succeeded)
        {
            return ElsaHttp.ValidationProblems(result.Problems);
        }

        var definition = result.Definition!;
        if (definition.IsPublished && !result.AlreadyPublished)
        {
            await triggers.ScheduleAsync(definition, cancellationToken).ConfigureAwait(false);
        }

        return TypedResults.Ok(new SaveDefinitionResponse(DefinitionModel.ToModel(definition, canEdit: true), result.AlreadyPublished, 0));
    }

    private static async Task<bool> CanEditAsync(ClaimsPrincipal user, IAuthorizationService authorization) =>
        (await authorization.AuthorizeAsync(user, Policies.EditWorkflows).ConfigureAwait(false)).Succeeded;

    private static string FileName(WorkflowDefinition definition)
    {
        var name = string.IsNullOrWhiteSpace(definition.Name) ? definition.DefinitionId : definition.Name;
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).Trim('-');
        return (safe.Length == 0 ? definition.DefinitionId : safe) + ".json";
    }

    private static bool TryBool(JsonNode? node, out bool value)
    {
        value = false;
        switch (node)
        {
            case null:
                return true;
            case JsonValue v when v.TryGetValue<bool>(out var b):
                value = b;
                return true;
            case JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var parsed):
                value = parsed;
                return true;
            default:
                return false;
        }
    }

    private static string? First(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values.FirstOrDefault(v => !string.IsNullOrEmpty(v)) : null;

    private static IEnumerable<string> Many(IQueryCollection query, string key) =>
        query.TryGetValue(key, out StringValues values)
            ? values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : [];

    private static bool TryInt(IQueryCollection query, string key, out int? value)
    {
        value = null;
        var text = First(query, key);
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            value = number;
            return true;
        }

        return false;
    }

    private static bool Matches(string? text, string term) => text?.Contains(term, StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>Elsa's execute answer.</summary>
internal sealed record ExecuteDefinitionResponse(ElsaWorkflowState WorkflowState);
