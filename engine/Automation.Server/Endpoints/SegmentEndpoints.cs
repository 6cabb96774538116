using System.Diagnostics;
using System.Text.Json;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Audit;
using Automation.Server.Authorization;
using Automation.Server.Segments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Endpoints;

/// <summary>
/// Segments: list, read, create or replace (validated, problem details name the JSON path), delete; audience count,
/// preview (patient ids only) and explain (which rules held for one patient, designer role).
/// </summary>
internal static class SegmentEndpoints
{
    private const int DefaultPreview = 20;
    private const int MaxPreview = 1000;

    public static IEndpointRouteBuilder MapSegmentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/segments").WithTags("Segments");
        group.MapGet("", ListAsync).RequireAuthorization(Policies.ReadWorkflows).WithName("ListSegments");
        group.MapGet("/{id}", GetAsync).RequireAuthorization(Policies.ReadWorkflows).WithName("GetSegment");
        group.MapPut("/{id}", PutAsync).RequireAuthorization(Policies.EditWorkflows).WithName("SaveSegment");
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(Policies.EditWorkflows).WithName("DeleteSegment");
        group.MapPost("/{id}/count", CountAsync).RequireAuthorization(Policies.ReadWorkflows).WithName("CountSegment");
        group.MapPost("/{id}/preview", PreviewAsync).RequireAuthorization(Policies.EditWorkflows).WithName("PreviewSegment");
        group.MapPost("/{id}/explain/{patientId}", ExplainAsync).RequireAuthorization(Policies.EditWorkflows).WithName("ExplainSegment");
        return app;
    }

    private static async Task<Ok<List<SegmentSummary>>> ListAsync(SegmentRepository repository, CancellationToken cancellationToken)
    {
        var compiler = repository.Compiler;
        var summaries = (await repository.ListAsync(cancellationToken).ConfigureAwait(false)).Select(stored =>
        {
            try
            {
                var segment = compiler.Compile(stored.Document, stored.Id);
                return new SegmentSummary(stored.Id, segment.Name, segment.Description, segment.PredicateCount, segment.References, true, stored.UpdatedAt);
            }
            catch (SegmentValidationException)
            {
                return new SegmentSummary(stored.Id, null, null, 0, [], false, stored.UpdatedAt);
            }
        }).ToList();
        return TypedResults.Ok(summaries);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetAsync(string id, SegmentRepository repository, HttpContext http, CancellationToken cancellationToken)
    {
        var stored = await repository.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return NotFoundProblem(id);
        }

        http.Response.Headers.LastModified = stored.UpdatedAt.ToString("R");
        return TypedResults.Content(stored.Document, "application/json");
    }

    private static async Task<Results<Created<SegmentSaved>, Ok<SegmentSaved>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>> PutAsync(string id, HttpRequest request, SegmentRepository repository, CancellationToken cancellationToken)
    {
        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var (stored, created) = await repository.SaveAsync(id, json, cancellationToken).ConfigureAwait(false);
            await SegmentAudit.RecordAsync(request.HttpContext, AuditActions.ConfigurationChange, created ? "created" : "replaced", id, null).ConfigureAwait(false);
            var saved = new SegmentSaved(stored.Id, stored.UpdatedAt);
            return created ? TypedResults.Created($"/api/segments/{id}", saved) : TypedResults.Ok(saved);
        }
        catch (SegmentValidationException exception)
        {
            // errors: JSON path -> messages, e.g. "$.rules.all[2].condition.codes[0]": ["expected a string ..."].
            return TypedResults.ValidationProblem(
                exception.Problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
                detail: string.Join("; ", exception.Problems.Select(p => p.ToString())),
                title: "The segment is invalid.");
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, SegmentRepository repository, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await repository.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        if (result.Deleted)
        {
            await SegmentAudit.RecordAsync(http, AuditActions.ConfigurationChange, "deleted", id, null).ConfigureAwait(false);
        }

        if (result.ReferencedBy.Count > 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The segment is referenced.",
                detail: $"Segment '{id}' is referenced by {string.Join(", ", result.ReferencedBy)}; change those first.",
                extensions: new Dictionary<string, object?> { ["referencedBy"] = result.ReferencedBy });
        }

        return result.Deleted ? TypedResults.NoContent() : NotFoundProblem(id);
    }

    private static async Task<Results<Ok<SegmentCount>, ProblemHttpResult>> CountAsync(
        string id, SegmentRepository repository, SegmentPopulation population, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var segment = await repository.GetCompiledAsync(id, cancellationToken).ConfigureAwait(false);
        if (segment is null)
        {
            return NotFoundProblem(id);
        }

        if (!population.IsAvailable)
        {
            return NoPopulation();
        }

        var index = await population.GetAsync(cancellationToken).ConfigureAwait(false);
        var clock = SegmentClock.From(timeProvider);
        var started = Stopwatch.GetTimestamp();
        var count = index.CountMatches(segment, clock, cancellationToken);
        return TypedResults.Ok(new SegmentCount(id, count, index.Count, clock.Now, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1)));
    }

    private static async Task<Results<Ok<SegmentPreview>, ProblemHttpResult, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>> PreviewAsync(
        string id, int? take, SegmentRepository repository, SegmentPopulation population, TimeProvider timeProvider, HttpContext http, CancellationToken cancellationToken)
    {
        if (take is < 1 or > MaxPreview)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["take"] = [$"take must be between 1 and {MaxPreview}."] });
        }

        var segment = await repository.GetCompiledAsync(id, cancellationToken).ConfigureAwait(false);
        if (segment is null)
        {
            return NotFoundProblem(id);
        }

        if (!population.IsAvailable)
        {
            return NoPopulation();
        }

        var index = await population.GetAsync(cancellationToken).ConfigureAwait(false);
        var clock = SegmentClock.From(timeProvider);
        var ids = index.Preview(segment, clock, take ?? DefaultPreview);
        await SegmentAudit.RecordAsync(http, SegmentAudit.Preview, "listed", id, null, new Dictionary<string, string> { ["patients"] = ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ConfigureAwait(false);
        return TypedResults.Ok(new SegmentPreview(id, ids, clock.Now));
    }

    private static async Task<Results<Ok<SegmentExplanation>, ProblemHttpResult>> ExplainAsync(
        string id, string patientId, SegmentRepository repository, IPatientDataSource patients, TimeProvider timeProvider, HttpContext http, CancellationToken cancellationToken)
    {
        var segment = await repository.GetCompiledAsync(id, cancellationToken).ConfigureAwait(false);
        if (segment is null)
        {
            return NotFoundProblem(id);
        }

        var context = await patients.GetPatientContextAsync(patientId, cancellationToken).ConfigureAwait(false);
        if (context is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No patient '{patientId}' (patientId).");
        }

        var explanation = segment.Explain(PatientFactsBuilder.From(context), SegmentClock.From(timeProvider));
        await SegmentAudit.RecordAsync(http, SegmentAudit.Explain, explanation.Matched ? "matched" : "not-matched", id, context.Id).ConfigureAwait(false);
        return TypedResults.Ok(explanation);
    }

    private static ProblemHttpResult NotFoundProblem(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No segment '{id}' (id).");

    private static ProblemHttpResult NoPopulation() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No population to count.",
            detail: "Audience counts need an NDJSON patient directory with Patient.ndjson (Fhir:Directory, default <DataPath>/patients; with a FHIR server, its bulk export in Fhir:PopulationExport); there is none.");
}

/// <summary>A row of the segments list.</summary>
internal sealed record SegmentSummary(string Id, string? Name, string? Description, int PredicateCount, IReadOnlyList<string> References, bool Valid, DateTimeOffset UpdatedAt);

/// <summary>The answer to a save.</summary>
internal sealed record SegmentSaved(string Id, DateTimeOffset UpdatedAt);

/// <summary>An audience count.</summary>
internal sealed record SegmentCount(string SegmentId, int Count, int Population, DateTimeOffset EvaluatedAt, double ElapsedMilliseconds);

/// <summary>The first patient ids of a segment.</summary>
internal sealed record SegmentPreview(string SegmentId, IReadOnlyList<string> PatientIds, DateTimeOffset EvaluatedAt);
