using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Server.Elsa.ActivityExecutions;
using Automation.Server.Elsa.Definitions;
using Automation.Server.Elsa.Shared;

namespace Automation.Server.Elsa.Instances;

/// <summary>Elsa's <c>/workflow-instances</c> resource and the activity-execution views built from the journal.</summary>
internal static class WorkflowInstanceEndpoints
{
    // Filters the store cannot apply (several definitions or statuses, search) are applied to at most this many newest instances.
    private const int ScanLimit = 5000;

    public static void Map(RouteGroupBuilder read, RouteGroupBuilder edit, RouteGroupBuilder run)
    {
        read.MapPost("/workflow-instances", ListAsync).WithName("ElsaListWorkflowInstances");
        read.MapGet("/workflow-instances/{instanceId}", GetAsync).WithName("ElsaGetWorkflowInstance");
        read.MapGet("/workflow-instances/{instanceId}/variables", GetVariablesAsync).WithName("ElsaGetWorkflowInstanceVariables");
        read.MapGet("/workflow-instances/{instanceId}/execution-state", GetExecutionStateAsync).WithName("ElsaGetWorkflowInstanceExecutionState");
        read.MapPost("/workflow-instances/{instanceId}/journal", PostJournalAsync).WithName("ElsaGetWorkflowInstanceJournal");
        read.MapGet("/workflow-instances/{instanceId}/journal", GetJournalAsync).WithName("ElsaGetWorkflowInstanceJournalGet");
        read.MapGet("/activity-executions/list", ListActivityExecutionsAsync).WithName("ElsaListActivityExecutions");
        read.MapGet("/activity-execution-summaries/list", ListActivityExecutionSummariesAsync).WithName("ElsaListActivityExecutionSummaries");
        read.MapPost("/activity-executions/report", ReportAsync).WithName("ElsaActivityExecutionReport");

        run.MapPost("/workflow-instances/{instanceId}/cancel", CancelAsync).WithName("ElsaCancelWorkflowInstance");
        run.MapPost("/cancel/workflow-instances/{instanceId}", CancelAsync).WithName("ElsaCancelWorkflowInstanceAlt");

        edit.MapDelete("/workflow-instances/{instanceId}", DeleteAsync).WithName("ElsaDeleteWorkflowInstance");
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await ElsaHttp.ReadAsync<ListInstancesRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (body!.Page < 0 || body.PageSize < 0)
        {
            return ElsaHttp.BadRequest("page", "Page and PageSize must be non-negative.");
        }

        var definitionIds = (body.DefinitionIds ?? []).Append(body.DefinitionId).OfType<string>().Where(id => id.Length > 0).ToHashSet(StringComparer.Ordinal);
        var statuses = Enum.GetValues<WorkflowStatus>().ToHashSet();
        if ((body.Statuses ?? []).Concat(body.Status is { } status ? [status] : []).ToList() is { Count: > 0 } elsaStatuses)
        {
            statuses.IntersectWith(elsaStatuses.SelectMany(ElsaInstances.Matching));
        }

        if ((body.SubStatuses ?? []).Concat(body.SubStatus is { } sub ? [sub] : []).ToList() is { Count: > 0 } subStatuses)
        {
            statuses.IntersectWith(subStatuses.SelectMany(ElsaInstances.Matching));
        }

        var pageSize = body.PageSize is null or 0 ? 50 : Math.Min(body.PageSize.Value, 1000);
        var skip = (body.Page ?? 0) * pageSize;
        var names = (await store.ListDefinitionsAsync(VersionOptions.Latest, null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(d => d.DefinitionId, d => d.Name, StringComparer.Ordinal);

        var simple = definitionIds.Count <= 1 && string.IsNullOrWhiteSpace(body.SearchTerm)
            && (statuses.Count == Enum.GetValues<WorkflowStatus>().Length || statuses.Count == 1);
        if (simple)
        {
            var page = await store.ListInstancesAsync(new InstanceQuery
            {
                DefinitionId = definitionIds.FirstOrDefault(),
                Status = statuses.Count == 1 ? statuses.First() : null,
                CorrelationId = string.IsNullOrEmpty(body.CorrelationId) ? null : body.CorrelationId,
                Skip = skip,
                Take = pageSize,
            }, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new PagedList<ElsaWorkflowInstanceSummary>(
                page.Items.Select(i => ElsaInstances.ToSummary(i, names.GetValueOrDefault(i.DefinitionId))).ToList(), page.TotalCount));
        }

        var matches = new List<InstanceSummary>();
        for (var offset = 0; offset < ScanLimit; offset += 500)
        {
            var chunk = await store.ListInstancesAsync(new InstanceQuery
            {
                DefinitionId = definitionIds.Count == 1 ? definitionIds.First() : null,
                Status = statuses.Count == 1 ? statuses.First() : null,
                CorrelationId = string.IsNullOrEmpty(body.CorrelationId) ? null : body.CorrelationId,
                Skip = offset,
                Take = 500,
            }, cancellationToken).ConfigureAwait(false);
            matches.AddRange(chunk.Items.Where(i =>
                (definitionIds.Count == 0 || definitionIds.Contains(i.DefinitionId))
                && statuses.Contains(i.Status)
                && Search(i, names.GetValueOrDefault(i.DefinitionId), body.SearchTerm)));
            if (chunk.Items.Count < 500)
            {
                break;
            }
        }

        return TypedResults.Ok(new PagedList<ElsaWorkflowInstanceSummary>(
            matches.Skip(skip).Take(pageSize).Select(i => ElsaInstances.ToSummary(i, names.GetValueOrDefault(i.DefinitionId))).ToList(), matches.Count));
    }

    private static bool Search(InstanceSummary instance, string? name, string? term) =>
        string.IsNullOrWhiteSpace(term)
        || instance.Id.Contains(term, StringComparison.OrdinalIgnoreCase)
        || instance.DefinitionId.Contains(term, StringComparison.OrdinalIgnoreCase)
        || instance.CorrelationId?.Contains(term, StringComparison.OrdinalIgnoreCase) == true
        || name?.Contains(term, StringComparison.OrdinalIgnoreCase) == true;

    private static async Task<IResult> GetAsync(string instanceId, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var state = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return ElsaHttp.NotFound("workflow instance", instanceId);
        }

        var definition = await store.GetDefinitionVersionAsync(state.DefinitionVersionId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ElsaInstances.ToInstance(state, definition));
    }

    private static async Task<IResult> GetVariablesAsync(string instanceId, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var state = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return ElsaHttp.NotFound("workflow instance", instanceId);
        }

        var definition = await store.GetDefinitionVersionAsync(state.DefinitionVersionId, cancellationToken).ConfigureAwait(false);
        var declared = definition?.Variables.ToDictionary(v => v.Name, v => v.Id, StringComparer.Ordinal) ?? [];
        var items = state.Variables.Select(pair => new ElsaResolvedVariable(declared.GetValueOrDefault(pair.Key) ?? pair.Key, pair.Key, pair.Value)).ToList();
        return TypedResults.Ok(new ItemList<ElsaResolvedVariable>(items, items.Count));
    }

    private static async Task<IResult> GetExecutionStateAsync(string instanceId, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var state = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return ElsaHttp.NotFound("workflow instance", instanceId);
        }

        var (status, subStatus) = ElsaInstances.Map(state.Status);
        return TypedResults.Ok(new ElsaExecutionState(status, subStatus, state.UpdatedAt));
    }

    private static async Task<IResult> PostJournalAsync(string instanceId, int? skip, int? take, HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await ElsaHttp.ReadAsync<JournalRequest>(request, cancellationToken).ConfigureAwait(false);
        return error ?? await JournalAsync(instanceId, skip, take, body!.Filter, store, cancellationToken).ConfigureAwait(false);
    }

    private static Task<IResult> GetJournalAsync(string instanceId, int? skip, int? take, IWorkflowStore store, CancellationToken cancellationToken) =>
        JournalAsync(instanceId, skip, take, null, store, cancellationToken);

    private static async Task<IResult> JournalAsync(string instanceId, int? skip, int? take, JournalFilter? filter, IWorkflowStore store, CancellationToken cancellationToken)
    {
        if (skip < 0 || take < 0)
        {
            return ElsaHttp.BadRequest("skip", "skip and take must be non-negative.");
        }

        var log = await LoadAsync(instanceId, store, cancellationToken).ConfigureAwait(false);
        if (log is null)
        {
            return ElsaHttp.NotFound("workflow instance", instanceId);
        }

        IEnumerable<ElsaExecutionLogRecord> records = log.Journal;
        if (filter?.ActivityIds is { Count: > 0 } activityIds)
        {
            records = records.Where(r => activityIds.Contains(r.ActivityId));
        }

        if (filter?.ActivityNodeIds is { Count: > 0 } nodeIds)
        {
            records = records.Where(r => nodeIds.Contains(r.NodeId));
        }

        if (filter?.ExcludedActivityTypes is { Count: > 0 } excluded)
        {
            records = records.Where(r => !excluded.Contains(r.ActivityType));
        }

        if (filter?.EventNames is { Count: > 0 } eventNames)
        {
            records = records.Where(r => eventNames.Contains(r.EventName));
        }

        var all = records.ToList();
        return TypedResults.Ok(new PagedList<ElsaExecutionLogRecord>(all.Skip(skip ?? 0).Take(take ?? 500).ToList(), all.Count));
    }

    private static async Task<IResult> ListActivityExecutionsAsync(HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var (records, error) = await RecordsAsync(request, store, cancellationToken).ConfigureAwait(false);
        return error ?? TypedResults.Ok(new ItemList<ElsaActivityExecutionRecord>(records!, records!.Count));
    }

    private static async Task<IResult> ListActivityExecutionSummariesAsync(HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var (records, error) = await RecordsAsync(request, store, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var items = records!.Select(ElsaActivityExecutionSummary.From).ToList();
        return TypedResults.Ok(new ItemList<ElsaActivityExecutionSummary>(items, items.Count));
    }

    private static async Task<(IReadOnlyList<ElsaActivityExecutionRecord>? Records, IResult? Error)> RecordsAsync(HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var instanceId = request.Query["workflowInstanceId"].FirstOrDefault();
        if (string.IsNullOrEmpty(instanceId))
        {
            return (null, ElsaHttp.BadRequest("workflowInstanceId", "The workflow instance id is required."));
        }

        var log = await LoadAsync(instanceId, store, cancellationToken).ConfigureAwait(false);
        if (log is null)
        {
            return (null, ElsaHttp.NotFound("workflow instance", instanceId));
        }

        var nodeId = request.Query["activityNodeId"].FirstOrDefault();
        return (string.IsNullOrEmpty(nodeId) ? log.Records : log.Records.Where(r => r.ActivityNodeId == nodeId).ToList(), null);
    }

    private static async Task<IResult> ReportAsync(HttpRequest request, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await ElsaHttp.ReadAsync<ReportRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(body!.WorkflowInstanceId))
        {
            return ElsaHttp.BadRequest("workflowInstanceId", "The workflow instance id is required.");
        }

        var log = await LoadAsync(body.WorkflowInstanceId, store, cancellationToken).ConfigureAwait(false);
        return log is null
            ? ElsaHttp.NotFound("workflow instance", body.WorkflowInstanceId)
            : TypedResults.Ok(new ActivityExecutionReport(log.Stats(body.ActivityNodeIds)));
    }

    private static async Task<IResult> CancelAsync(string instanceId, WorkflowRuntime runtime, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var state = await runtime.CancelAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return ElsaHttp.NotFound("workflow instance", instanceId);
        }

        var definition = await store.GetDefinitionVersionAsync(state.DefinitionVersionId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(ElsaInstances.ToInstance(state, definition));
    }

    private static async Task<IResult> DeleteAsync(string instanceId, IWorkflowStore store, CancellationToken cancellationToken) =>
        await store.DeleteInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : ElsaHttp.NotFound("workflow instance", instanceId);

    private static async Task<ActivityExecutionLog?> LoadAsync(string instanceId, IWorkflowStore store, CancellationToken cancellationToken)
    {
        var state = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return null;
        }

        var definition = await store.GetDefinitionVersionAsync(state.DefinitionVersionId, cancellationToken).ConfigureAwait(false);
        var journal = await store.GetJournalAsync(instanceId, 0, int.MaxValue, cancellationToken).ConfigureAwait(false);
        return ActivityExecutionLog.Build(instanceId, state.Status, definition, journal);
    }
}

internal sealed class ListInstancesRequest
{
    public int? Page { get; set; }
    public int? PageSize { get; set; }
    public string? SearchTerm { get; set; }
    public string? DefinitionId { get; set; }
    public ICollection<string>? DefinitionIds { get; set; }
    public string? CorrelationId { get; set; }
    public ElsaWorkflowStatus? Status { get; set; }
    public ICollection<ElsaWorkflowStatus>? Statuses { get; set; }
    public ElsaWorkflowSubStatus? SubStatus { get; set; }
    public ICollection<ElsaWorkflowSubStatus>? SubStatuses { get; set; }
}

internal sealed class JournalRequest
{
    public JournalFilter? Filter { get; set; }
}

internal sealed class JournalFilter
{
    public ICollection<string>? ActivityIds { get; set; }
    public ICollection<string>? ActivityNodeIds { get; set; }
    public ICollection<string>? ExcludedActivityTypes { get; set; }
    public ICollection<string>? EventNames { get; set; }
}

internal sealed class ReportRequest
{
    public string? WorkflowInstanceId { get; set; }
    public List<string>? ActivityNodeIds { get; set; }
}

internal sealed record ActivityExecutionReport(IReadOnlyList<ElsaActivityExecutionStats> Stats);
