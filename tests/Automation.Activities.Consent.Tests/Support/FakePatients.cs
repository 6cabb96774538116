using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Hl7.Fhir.Model;

namespace Automation.Activities.Consent.Tests.Support;

/// <summary>A patient data source holding patient contexts in memory.</summary>
public sealed class FakePatients(params PatientContext[] patients) : IPatientDataSource
{
    public Task<PatientContext?> GetPatientContextAsync(string patient, CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult(patients.FirstOrDefault(p => p.Id == (patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient[8..] : patient)));

    public Task<Resource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult<Resource?>(null);

    public Task<IReadOnlyList<Resource>> SearchAsync(string resourceType, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult<IReadOnlyList<Resource>>([]);
}
