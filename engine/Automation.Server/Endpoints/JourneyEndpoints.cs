using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Endpoints;

/// <summary>The designer's journeys list: each definition's latest version with its instance counts.</summary>
internal static class JourneyEndpoints
{
    public static IEndpointRouteBuilder MapJourneyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/journeys", ListAsync).RequireAuthorization(Policies.ReadWorkflows).WithTags("Journeys").WithName("ListJourneys");
        return app;
    }

    private static async Task<Ok<List<JourneySummary>>> ListAsync(IWorkflowStore store, CancellationToken cancellationToken)
    {
        var journeys = new List<JourneySummary>();
        var published = (await store.ListDefinitionsAsync(VersionOptions.Published, null, cancellationToken).ConfigureAwait(false))
            .Select(d => d.DefinitionId).ToHashSet(StringComparer.Ordinal);
        foreach (var definition in await store.ListDefinitionsAsync(VersionOptions.Latest, null, cancellationToken).ConfigureAwait(false))
        {
            async Task<long> CountAsync(WorkflowStatus status) =>
                (await store.ListInstancesAsync(new InstanceQuery { DefinitionId = definition.DefinitionId, Status = status, Take = 0 }, cancellationToken).ConfigureAwait(false)).TotalCount;

            journeys.Add(new JourneySummary(
                definition.DefinitionId,
                definition.Name,
                definition.Version,
                definition.IsPublished,
                published.Contains(definition.DefinitionId),
                await CountAsync(WorkflowStatus.Running).ConfigureAwait(false) + await CountAsync(WorkflowStatus.Suspended).ConfigureAwait(false),
                await CountAsync(WorkflowStatus.Finished).ConfigureAwait(false),
                await CountAsync(WorkflowStatus.Faulted).ConfigureAwait(false),
                definition.CreatedAt));
        }

        return TypedResults.Ok(journeys.OrderBy(j => j.Name ?? j.DefinitionId, StringComparer.OrdinalIgnoreCase).ToList());
    }
}

/// <summary>A row of the journeys list.</summary>
internal sealed record JourneySummary(
    string DefinitionId, string? Name, int Version, bool IsPublished, bool HasPublishedVersion, long Running, long Finished, long Faulted, DateTimeOffset? LastChange);
