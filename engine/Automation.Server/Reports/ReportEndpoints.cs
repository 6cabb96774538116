using System.Globalization;
using System.Text;
using Automation.Server.Authorization;

namespace Automation.Server.Reports;

/// <summary>Journey reports for the designer's report pages: JSON for the charts, CSV for spreadsheets.</summary>
internal static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reports").RequireAuthorization(Policies.ReadReports).WithTags("Reports");
        group.MapGet("/journeys", ListAsync).WithName("ListReportJourneys");
        group.MapGet("/journeys/{definitionId}", GetAsync).WithName("GetJourneyReport");
        group.MapGet("/journeys/{definitionId}/csv", GetCsvAsync).WithName("GetJourneyReportCsv");
        return app;
    }

    private static async Task<IResult> ListAsync(Automation.Engine.Persistence.IWorkflowStore store, CancellationToken cancellationToken)
    {
        var definitions = await store.ListDefinitionsAsync(Automation.Engine.Persistence.VersionOptions.Latest, null, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(definitions.Select(d => new { d.DefinitionId, d.Name }).OrderBy(d => d.Name ?? d.DefinitionId, StringComparer.OrdinalIgnoreCase).ToList());
    }

    private static async Task<IResult> GetAsync(string definitionId, JourneyReportBuilder reports, CancellationToken cancellationToken) =>
        await reports.BuildAsync(definitionId, cancellationToken).ConfigureAwait(false) is { } report
            ? TypedResults.Ok(report)
            : NotFound(definitionId);

    private static async Task<IResult> GetCsvAsync(string definitionId, JourneyReportBuilder reports, CancellationToken cancellationToken)
    {
        if (await reports.BuildAsync(definitionId, cancellationToken).ConfigureAwait(false) is not { } report)
        {
            return NotFound(definitionId);
        }

        var csv = new StringBuilder("section,name,metric,count\n");
        foreach (var stage in report.Funnel)
        {
            Row(csv, "funnel", stage.Stage, "count", stage.Count);
        }

        foreach (var step in report.Steps)
        {
            Row(csv, "step", step.ActivityId, "reached", step.Reached);
            foreach (var (outcome, count) in step.Outcomes)
            {
                Row(csv, "step", step.ActivityId, outcome, count);
            }
        }

        foreach (var (method, count) in report.Methods)
        {
            Row(csv, "method", method, "messages", count);
        }

        foreach (var domain in report.Domains)
        {
            Row(csv, "domain", domain.Domain, "sent", domain.Sent);
            Row(csv, "domain", domain.Domain, "delivered", domain.Delivered);
            Row(csv, "domain", domain.Domain, "bounced", domain.Bounced);
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", definitionId + "-report.csv");
    }

    private static void Row(StringBuilder csv, string section, string name, string metric, long count) =>
        csv.Append(section).Append(',').Append(Quote(name)).Append(',').Append(Quote(metric)).Append(',')
            .Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');

    // Names come from definitions (activity ids, outcomes); quote them so a comma or a leading '=' cannot break the
    // sheet or become a formula.
    private static string Quote(string value)
    {
        var safe = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static IResult NotFound(string definitionId) =>
        TypedResults.Problem(title: "Journey not found", detail: $"No journey has the id '{definitionId}'.", statusCode: StatusCodes.Status404NotFound,
            extensions: new Dictionary<string, object?> { ["field"] = "definitionId" });
}
