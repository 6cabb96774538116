namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// Where the portal's identity check reads the date of birth: the patient record. The server answers from the FHIR
/// patient data source; this package does not depend on FHIR.
/// </summary>
public interface IPatientBirthDates
{
    /// <summary>The patient's date of birth.</summary>
    /// <param name="patientId">The patient id the message was deposited for.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The date, or <c>null</c> when the patient or the date is unknown (the check then fails).</returns>
    Task<DateOnly?> FindBirthDateAsync(string patientId, CancellationToken cancellationToken = default);
}
