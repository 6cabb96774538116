using Automation.Activities.Fhir.Sources;
using Automation.Activities.SecureSend.Portal;

namespace Automation.Server.Portal;

/// <summary>The portal's identity check reads the date of birth from the patient record (NDJSON directory or FHIR server).</summary>
internal sealed class PatientRecordBirthDates(IPatientDataSource patients) : IPatientBirthDates
{
    public async Task<DateOnly?> FindBirthDateAsync(string patientId, CancellationToken cancellationToken = default) =>
        (await patients.GetPatientContextAsync(patientId, cancellationToken).ConfigureAwait(false))?.BirthDate;
}
