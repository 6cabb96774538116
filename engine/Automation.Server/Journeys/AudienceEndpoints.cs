using Automation.Engine.Persistence;
using Automation.Server.Authorization;

namespace Automation.Server.Journeys;

/// <summary>Audience entry over HTTP: start a segment's entry into a journey, and watch its progress.</summary>
internal static class AudienceEndpoints
{
    public static IEndpointRouteBuilder MapAudienceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/journeys/{definitionId}/audience", StartAsync).RequireAuthorization(Policies.RunWorkflows).WithTags("Journeys").WithName("StartAudienceEntry");
        app.MapGet("/api/journeys/{definitionId}/audience-runs", ListAsync).RequireAuthorization(Policies.ReadWorkflows).WithTags("Journeys").WithName("ListAudienceRuns");
        app.MapGet("/api/audience-runs/{runId}", GetAsync).RequireAuthorization(Policies.ReadWorkflows).WithTags("Journeys").WithName("GetAudienceRun");
        return app;
    }

    private static async Task<IResult> StartAsync(string definitionId, AudienceRequest request, AudienceService audiences, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Segment))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["segment"] = ["The segment id is required."] });
        }

        var (runId, field, problem) = await audiences.StartAsync(definitionId, request.Segment, request.RunId, cancellationToken).ConfigureAwait(false);
        return runId is null
            ? field == "definitionId"
                ? TypedResults.Problem(title: "Journey not published", detail: problem, statusCode: StatusCodes.Status404NotFound, extensions: new Dictionary<string, object?> { ["field"] = field })
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field!] = [problem!] })
            : TypedResults.Accepted($"/api/audience-runs/{Uri.EscapeDataString(runId)}", new { runId });
    }

    private static async Task<IResult> ListAsync(string definitionId, IWorkflowStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAudienceRunsAsync(definitionId, 50, cancellationToken).ConfigureAwait(false));

    private static async Task<IResult> GetAsync(string runId, IWorkflowStore store, CancellationToken cancellationToken) =>
        await store.GetAudienceRunAsync(runId, cancellationToken).ConfigureAwait(false) is { } run
            ? TypedResults.Ok(run)
            : TypedResults.Problem(title: "Run not found", detail: $"No audience run has the id '{runId}'.", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["field"] = "runId" });
}

/// <summary>Starts an audience entry.</summary>
/// <param name="Segment">The segment whose members enter.</param>
/// <param name="RunId">An unfinished run to resume, if any.</param>
internal sealed record AudienceRequest(string? Segment, string? RunId);
