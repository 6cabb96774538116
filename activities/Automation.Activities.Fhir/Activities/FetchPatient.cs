using Automation.Activities.Fhir.Sources;
using Automation.Engine.Activities;

namespace Automation.Activities.Fhir.Activities;

/// <summary>Loads a patient's context (demographics, contact, coverage, conditions, medications, latest labs,
/// immunizations, appointments, encounters, consents) for later steps to read.</summary>
[Activity("Healthcare", "Healthcare", "Loads a patient and their clinical context from FHIR.", DisplayName = "Fetch Patient")]
[FlowNode("Found", "NotFound")]
public sealed class FetchPatient(IPatientDataSource source, FhirRunCache? cache = null) : Activity
{
    /// <summary>The patient id or reference (<c>Patient/123</c>).</summary>
    [Input(Description = "The patient id or reference (Patient/123).", Required = true)]
    public Input<string> PatientId { get; set; } = new();

    /// <summary>The patient context as plain JSON.</summary>
    [Output(Description = "The patient context: demographics, email, language, coverages, conditions, medications, labs, immunizations, appointments, encounters, consents.")]
    public Output<object> Patient { get; set; } = new();

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var patientId = context.Get(PatientId);
        if (string.IsNullOrWhiteSpace(patientId))
        {
            context.Complete("NotFound");
            return;
        }

        try
        {
            var patient = await (cache ?? FhirRunCache.None).GetOrLoadAsync(context.WorkflowInstanceId, "context:" + patientId.Replace("Patient/", "", StringComparison.Ordinal),
                () => source.GetPatientContextAsync(patientId, context.CancellationToken)).ConfigureAwait(false);
            if (patient is null)
            {
                context.Complete("NotFound");
                return;
            }

            context.Set(Patient, patient.ToPlain(DateOnly.FromDateTime(context.TimeProvider.GetUtcNow().UtcDateTime)));
            context.Complete("Found");
        }
        catch (FhirSourceException exception)
        {
            context.Fault(exception.Message);
        }
    }
}
