using Automation.Persistence.Audit;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Audit;

/// <summary><c>GET /api/audit?after=&amp;take=</c> (records in sequence order) and <c>GET /api/audit/verify</c>,
/// for auditors and admins.</summary>
internal static class AuditEndpoints
{
    public const int MaxTake = 1000;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").RequireAuthorization(Policies.ReadAudit).WithTags("Audit");
        audit.MapGet("", ReadAsync).WithName("ReadAudit");
        audit.MapGet("/verify", VerifyAsync).WithName("VerifyAudit");
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ReadAsync(AuditLog log, long? after, int? take, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (after is < 0)
        {
            errors["after"] = ["'after' must be 0 or a sequence number."];
        }

        if (take is < 1 or > MaxTake)
        {
            errors["take"] = [$"'take' must be between 1 and {MaxTake}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var records = await log.ReadAsync(after ?? 0, take ?? 100, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new AuditPage([.. records.Select(AuditRecordJson.ToView)], records.Count == 0 ? null : records[^1].Sequence));
    }

    private static async Task<Ok<AuditVerifyResponse>> VerifyAsync(AuditLog log, CancellationToken cancellationToken)
    {
        var result = await log.VerifyAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new AuditVerifyResponse(result.IsValid, result.RecordsChecked, result.FirstBadSequence, result.Reason));
    }
}

/// <summary>A page of audit records; pass <see cref="Next"/> as <c>after</c> for the next page.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditRecordView> Records, long? Next);

/// <summary>The chain check.</summary>
internal sealed record AuditVerifyResponse(bool Valid, long RecordsChecked, long? FirstBadSequence, string? Reason);
