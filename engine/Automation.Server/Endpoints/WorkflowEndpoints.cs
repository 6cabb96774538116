using Automation.Engine.Definitions;
using Automation.Engine.Descriptors;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Server.Authorization;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Endpoints;

/// <summary>The engine's own API: descriptors, plugins, execute, events, instances.</summary>
internal static class WorkflowEndpoints
{
    public static IEndpointRouteBuilder MapWorkflowEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Workflows");
        api.MapGet("/activities/descriptors", GetDescriptors).RequireAuthorization(Policies.ReadWorkflows).WithName("GetActivityDescriptors");
        api.MapGet("/plugins", (PluginCatalog catalog) => TypedResults.Ok(catalog.Results)).RequireAuthorization(Policies.ReadWorkflows).WithName("GetPlugins");
        api.MapPost("/workflows/{definitionId}/execute", ExecuteAsync).RequireAuthorization(Policies.RunWorkflows).WithName("ExecuteWorkflow");
        api.MapPost("/events/{eventName}", PublishEventAsync).RequireAuthorization(Policies.RunWorkflows).WithName("PublishEvent");
        api.MapGet("/instances/{instanceId}", GetInstanceAsync).RequireAuthorization(Policies.ReadWorkflows).WithName("GetInstance");
        api.MapGet("/instances/{instanceId}/journal", GetJournalAsync).RequireAuthorization(Policies.ReadWorkflows).WithName("GetJournal");
        api.MapPost("/instances/{instanceId}/cancel", CancelAsync).RequireAuthorization(Policies.RunWorkflows).WithName("CancelInstance");
        return app;
    }

    private static Ok<DescriptorList> GetDescriptors(ActivityRegistry registry)
    {
        var items = registry.Descriptors;
        return TypedResults.Ok(new DescriptorList(items, items.Count));
    }

    private static async Task<Results<Ok<RunSummary>, ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>> ExecuteAsync(
        string definitionId, ExecuteRequest? request, IWorkflowStore store, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var definition = await store.FindDefinitionAsync(definitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false);
        if (definition is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No published workflow '{definitionId}' (definitionId).");
        }

        try
        {
            var result = await runtime.StartAsync(definition, new StartWorkflowOptions
            {
                Input = request?.Input,
                CorrelationId = request?.CorrelationId,
            }, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(RunSummary.From(result.State));
        }
        catch (WorkflowValidationException exception)
        {
            return TypedResults.ValidationProblem(exception.Problems
                .GroupBy(p => p.ActivityId ?? "workflow")
                .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()));
        }
    }

    private static async Task<Ok<IReadOnlyList<RunSummary>>> PublishEventAsync(
        string eventName, EventRequest? request, WorkflowRuntime runtime, CancellationToken cancellationToken)
    {
        var results = await runtime.PublishEventAsync(eventName, request?.CorrelationId, request?.Payload, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<RunSummary>>(results.Select(r => RunSummary.From(r.State)).ToList());
    }

    private static async Task<Results<Ok<RunSummary>, NotFound>> GetInstanceAsync(string instanceId, IWorkflowStore store, CancellationToken cancellationToken) =>
        await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is { } state
            ? TypedResults.Ok(RunSummary.From(state))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<JournalEntry>>, ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>> GetJournalAsync(
        string instanceId, IWorkflowStore store, int? skip, int? take, CancellationToken cancellationToken)
    {
        if (skip < 0 || take is < 1 or > 5000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [skip < 0 ? "skip" : "take"] = ["skip must be >= 0 and take between 1 and 5000."] });
        }

        if (await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No instance '{instanceId}'.");
        }

        return TypedResults.Ok(await store.GetJournalAsync(instanceId, skip ?? 0, take ?? 500, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<RunSummary>, NotFound>> CancelAsync(string instanceId, WorkflowRuntime runtime, CancellationToken cancellationToken) =>
        await runtime.CancelAsync(instanceId, cancellationToken).ConfigureAwait(false) is { } state
            ? TypedResults.Ok(RunSummary.From(state))
            : TypedResults.NotFound();
}

internal sealed record DescriptorList(IReadOnlyList<ActivityDescriptor> Items, int Count);

internal sealed record ExecuteRequest(Dictionary<string, object?>? Input, string? CorrelationId);

internal sealed record EventRequest(string? CorrelationId, object? Payload);

/// <summary>An instance as the API returns it: ids, status, incidents; no variables (they may hold PHI).</summary>
internal sealed record RunSummary(string InstanceId, string DefinitionId, int Version, WorkflowStatus Status, string? CorrelationId, IReadOnlyList<Incident> Incidents, int BookmarkCount)
{
    public static RunSummary From(WorkflowState state) =>
        new(state.InstanceId, state.DefinitionId, state.DefinitionVersion, state.Status, state.CorrelationId, state.Incidents, state.Bookmarks.Count);
}
