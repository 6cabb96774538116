using System.Net;
using Automation.Activities.Fhir.Patients;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// Patient data from a FHIR R4 server through the Firely SDK. A patient context costs one search
/// (<c>Patient?_id=...</c> with <c>_revinclude</c> of every related type) plus its pages, not one request per type.
/// </summary>
public sealed class FhirServerPatientDataSource : IPatientDataSource, IDisposable
{
    private static readonly string[] RevIncludes =
    [
        "Condition:patient", "Observation:patient", "MedicationRequest:patient", "Immunization:patient",
        "Appointment:patient", "Encounter:patient", "Coverage:beneficiary", "Consent:patient",
    ];

    private readonly HttpClient http;
    private readonly FhirClient client;

    /// <summary>Creates the source.</summary>
    /// <param name="options">Server, token, resilience settings.</param>
    /// <param name="timeProvider">The clock (retry delays, circuit breaker).</param>
    /// <param name="innerHandler">The transport; defaults to a new <see cref="HttpClientHandler"/>.</param>
    public FhirServerPatientDataSource(FhirServerOptions options, TimeProvider? timeProvider = null, HttpMessageHandler? innerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        http = new HttpClient(new ResilientFhirHandler(options, timeProvider ?? TimeProvider.System, innerHandler ?? new SocketsHttpHandler()))
        {
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline times each attempt
        };
        client = new FhirClient(options.BaseUrl, http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    /// <inheritdoc />
    public async Task<PatientContext?> GetPatientContextAsync(string patient, CancellationToken cancellationToken = default)
    {
        var id = patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient["Patient/".Length..] : patient;
        var query = new SearchParams().Add("_id", id);
        foreach (var include in RevIncludes)
        {
            query.RevInclude.Add((include, IncludeModifier.None));
        }

        var resources = await SearchAllAsync(query, "Patient", cancellationToken).ConfigureAwait(false);
        var found = resources.OfType<Patient>().FirstOrDefault(p => p.Id == id);
        return found is null ? null : PatientContextBuilder.Build(found, resources.Where(r => r is not Patient));
    }

    /// <inheritdoc />
    public async Task<Resource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await client.ReadAsync<Resource>($"{resourceType}/{id}", ct: cancellationToken).ConfigureAwait(false);
        }
        catch (FhirOperationException exception) when (exception.Status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return null;
        }
        catch (FhirOperationException exception)
        {
            throw new FhirSourceException($"Reading {resourceType}/{id} failed with HTTP {(int)exception.Status}.", (int)exception.Status, exception);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Resource>> SearchAsync(string resourceType, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var query = new SearchParams();
        foreach (var (name, value) in parameters)
        {
            query.Add(name, value);
        }

        return SearchAllAsync(query, resourceType, cancellationToken);
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => http.Dispose();

    private async Task<IReadOnlyList<Resource>> SearchAllAsync(SearchParams query, string resourceType, CancellationToken cancellationToken)
    {
        var results = new List<Resource>();
        try
        {
            var page = await client.SearchAsync(query, resourceType, cancellationToken).ConfigureAwait(false);
            while (page is not null)
            {
                results.AddRange(page.Entry.Select(e => e.Resource).Where(r => r is not null and not OperationOutcome)!);
                page = page.NextLink is null ? null : await client.ContinueAsync(page, PageDirection.Next, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FhirOperationException exception)
        {
            throw new FhirSourceException($"Searching {resourceType} failed with HTTP {(int)exception.Status}.", (int)exception.Status, exception);
        }

        return results;
    }
}
