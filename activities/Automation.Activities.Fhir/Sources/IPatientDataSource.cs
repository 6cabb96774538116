using Automation.Activities.Fhir.Patients;
using Hl7.Fhir.Model;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// Where patient data comes from: a FHIR R4 server (<see cref="FhirServerPatientDataSource"/>) or, in the embedded
/// default, a directory of NDJSON files written by <c>automation synth</c> (<see cref="NdjsonPatientDataSource"/>).
/// </summary>
public interface IPatientDataSource
{
    /// <summary>Reads a patient and everything about them into a context.</summary>
    /// <param name="patient">The patient id or reference (<c>Patient/123</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The context, or <c>null</c> when there is no such patient.</returns>
    /// <exception cref="FhirSourceException">The source failed (not: the patient does not exist).</exception>
    Task<PatientContext?> GetPatientContextAsync(string patient, CancellationToken cancellationToken = default);

    /// <summary>Reads one resource.</summary>
    /// <param name="resourceType">The type, e.g. <c>Appointment</c>.</param>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The resource, or <c>null</c>.</returns>
    /// <exception cref="FhirSourceException">The source failed.</exception>
    Task<Resource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken = default);

    /// <summary>Searches one resource type, following every page.</summary>
    /// <param name="resourceType">The type.</param>
    /// <param name="parameters">FHIR search parameters (<c>patient</c>, <c>status</c>, <c>_id</c>, ...).</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The matches.</returns>
    /// <exception cref="FhirSourceException">The source failed or does not support a parameter.</exception>
    Task<IReadOnlyList<Resource>> SearchAsync(string resourceType, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default);

    /// <summary>Reads a patient's FHIR Consent resources as the facts a patient context holds (audience screening reads
    /// only these). By default a <c>Consent</c> search; a source may read them more cheaply.</summary>
    /// <param name="patient">The patient id or reference (<c>Patient/123</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The facts; empty when there are none or no such patient.</returns>
    /// <exception cref="FhirSourceException">The source failed.</exception>
    async Task<IReadOnlyList<ConsentFact>> GetConsentsAsync(string patient, CancellationToken cancellationToken = default)
    {
        var found = await SearchAsync("Consent", new Dictionary<string, string> { ["patient"] = patient }, cancellationToken).ConfigureAwait(false);
        return PatientContextBuilder.ConsentFacts(found.OfType<Consent>());
    }
}
