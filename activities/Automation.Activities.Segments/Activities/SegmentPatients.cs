using Automation.Activities.Fhir.Sources;
using Automation.Activities.Segments.Facts;

namespace Automation.Activities.Segments.Activities;

/// <summary>Turns an activity's Patient input into facts: a patient context object (FetchPatient's output) is read as
/// it is; a string is a patient id or reference, loaded through the patient data source.</summary>
internal static class SegmentPatients
{
    public static async Task<PatientFacts?> ResolveAsync(object? patient, IPatientDataSource? source, CancellationToken cancellationToken)
    {
        if (patient is string id)
        {
            var trimmed = id.Trim();
            if (trimmed.StartsWith('{'))
            {
                return PatientFactsBuilder.FromPlain(trimmed);
            }

            if (source is null)
            {
                throw new InvalidOperationException("The Patient input is an id, but no patient data source is configured; pass the patient context (FetchPatient's Patient output) instead.");
            }

            var context = await source.GetPatientContextAsync(trimmed, cancellationToken).ConfigureAwait(false);
            return context is null ? null : PatientFactsBuilder.From(context);
        }

        return patient is null ? null : PatientFactsBuilder.FromPlain(patient);
    }

    public static Dictionary<string, object?> ToPlain(Evaluation.SegmentExplanation explanation) => new()
    {
        ["segmentId"] = explanation.SegmentId,
        ["matched"] = explanation.Matched,
        ["evaluatedAt"] = explanation.EvaluatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["root"] = ToPlain(explanation.Root),
    };

    private static Dictionary<string, object?> ToPlain(Evaluation.ExplanationNode node) => new()
    {
        ["path"] = node.Path,
        ["kind"] = node.Kind,
        ["held"] = node.Held,
        ["children"] = node.Children.Select(c => (object?)ToPlain(c)).ToList(),
    };
}
