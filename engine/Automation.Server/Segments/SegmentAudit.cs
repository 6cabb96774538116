using System.Security.Claims;
using Automation.Engine.Audit;

namespace Automation.Server.Segments;

/// <summary>
/// Audit records for segment access that touches patients (explain: which rules held for one patient; preview: which
/// patients match) and for segment edits. Written when the host registers an <see cref="IAuditLog"/> (and, for
/// patient records, a <see cref="PatientIdHasher"/>); ids are hashed, no other patient data is recorded.
/// </summary>
internal static class SegmentAudit
{
    public const string Explain = "segment.explain";
    public const string Preview = "segment.preview";

    public static async Task RecordAsync(HttpContext http, string action, string result, string segmentId, string? patientId, IReadOnlyDictionary<string, string>? details = null)
    {
        if (http.RequestServices.GetService<IAuditLog>() is not { } log)
        {
            return;
        }

        var hasher = http.RequestServices.GetService<PatientIdHasher>();
        if (patientId is not null && hasher is null)
        {
            return; // never write a patient id in clear
        }

        var evidence = new Dictionary<string, string>(details ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["segmentId"] = segmentId };
        await log.AppendAsync(new AuditEntry
        {
            Action = action,
            Actor = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? http.User.FindFirstValue("sub") ?? "unknown",
            Result = result,
            PatientHash = patientId is null ? null : hasher!.Hash(patientId),
            Details = evidence,
        }, http.RequestAborted).ConfigureAwait(false);
    }
}
