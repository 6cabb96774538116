using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Activities;
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Activities;

/// <summary>Loads one appointment (status, start, end, practitioner, location).</summary>
[Activity("Healthcare", "Healthcare", "Loads an appointment from FHIR.", DisplayName = "Get Appointment")]
[FlowNode("Found", "NotFound")]
public sealed class GetAppointment(IPatientDataSource source, FhirRunCache? cache = null) : Activity
{
    /// <summary>The appointment id or reference (<c>Appointment/123</c>).</summary>
    [Input(Description = "The appointment id or reference (Appointment/123).", Required = true)]
    public Input<string> AppointmentId { get; set; } = new();

    /// <summary>The appointment as plain JSON.</summary>
    [Output(Description = "The appointment: id, status, start, end, practitioner, location, description, patient.")]
    public Output<object> Appointment { get; set; } = new();

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var id = context.Get(AppointmentId) ?? "";
        id = id.StartsWith("Appointment/", StringComparison.Ordinal) ? id["Appointment/".Length..] : id;
        try
        {
            if (id.Length == 0 || await (cache ?? FhirRunCache.None).GetOrLoadAsync(context.WorkflowInstanceId, "Appointment/" + id, () => source.ReadAsync("Appointment", id, context.CancellationToken)).ConfigureAwait(false) is not Hl7.Fhir.Model.Appointment appointment)
            {
                context.Complete("NotFound");
                return;
            }

            var plain = PatientContextJson.Appointment(PatientContextBuilder.ToFact(appointment));
            plain["patient"] = appointment.Participant.Select(p => p.Actor?.Reference).FirstOrDefault(r => r?.StartsWith("Patient/", StringComparison.Ordinal) == true);
            context.Set(Appointment, plain);
            context.Complete("Found");
        }
        catch (FhirSourceException exception)
        {
            context.Fault(exception.Message);
        }
    }
}
