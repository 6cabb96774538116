using Automation.Activities.Fhir.Sources;
using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Activities;

namespace Automation.Activities.Segments.Activities;

/// <summary>What both segment activities do before evaluating: find the segment and the patient's facts, faulting
/// with a message that names the input (never patient data) when they cannot.</summary>
internal static class SegmentResolver
{
    public static async Task<CompiledSegment?> ResolveAsync(SegmentRepository repository, string? id, object? rules, ActivityExecutionContext context)
    {
        try
        {
            if (rules is not null && !string.IsNullOrWhiteSpace(id))
            {
                context.Fault("Set either Segment or Rules, not both.");
                return null;
            }

            if (rules is not null)
            {
                return repository.Compiler.CompileRules(EvaluateSegment.RulesJson(rules));
            }

            if (string.IsNullOrWhiteSpace(id))
            {
                context.Fault("Segment or Rules is required.");
                return null;
            }

            var segment = await repository.GetCompiledAsync(id, context.CancellationToken).ConfigureAwait(false);
            if (segment is null)
            {
                context.Fault($"Unknown segment '{id}'.");
            }

            return segment;
        }
        catch (SegmentValidationException exception)
        {
            context.Fault(exception.Message);
            return null;
        }
    }

    public static async Task<PatientFacts?> FactsAsync(object? patient, IPatientDataSource? source, ActivityExecutionContext context)
    {
        try
        {
            var facts = await SegmentPatients.ResolveAsync(patient, source, context.CancellationToken).ConfigureAwait(false);
            if (facts is null)
            {
                context.Fault("Patient: no such patient (pass FetchPatient's Patient output or an existing patient id).");
            }

            return facts;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FhirSourceException)
        {
            context.Fault("Patient: " + exception.Message);
            return null;
        }
    }
}
