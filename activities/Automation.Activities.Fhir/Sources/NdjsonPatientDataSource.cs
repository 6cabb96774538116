using System.Text.Json;
using Automation.Activities.Fhir.Patients;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// The embedded default: a directory of FHIR Bulk Data NDJSON files (one per resource type, as <c>automation synth</c>
/// writes). On first use every file is indexed once (<see cref="NdjsonIndex"/>: packed line locations by patient, and
/// appointments by id), about 8 bytes per resource; resources are parsed only when read, so memory holds locations, not
/// the population.
/// </summary>
public sealed class NdjsonPatientDataSource : IPatientDataSource, IDisposable
{
    private static readonly string[] RelatedTypes = ["Condition", "Observation", "MedicationRequest", "Immunization", "Appointment", "Encounter", "Coverage", "Consent"];

    private readonly string directory;
    private readonly Lazy<Task<NdjsonIndex>> index;

    // Recoverable mode ignores validation findings anyway, so the validator (a third of the parse time) is switched off.
    private readonly FhirJsonDeserializer deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable) with { Validator = null });

    /// <summary>Creates the source; nothing is read until first use.</summary>
    /// <param name="directory">The NDJSON directory.</param>
    public NdjsonPatientDataSource(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        this.directory = Path.GetFullPath(directory);
        index = new Lazy<Task<NdjsonIndex>>(() => System.Threading.Tasks.Task.Run(BuildIndex));
    }

    /// <summary>Whether the index is built, so reads no longer wait for it.</summary>
    public bool IsIndexed => index.IsValueCreated && index.Value.IsCompletedSuccessfully;

    /// <summary>Builds the index now, when the directory exists, so the first read does not wait for it (a host calls this
    /// as it starts). A directory that does not exist yet is left alone: it may be written later.</summary>
    /// <returns>The patient count, or <c>null</c> when the directory does not exist.</returns>
    public async Task<int?> WarmUpAsync() => Directory.Exists(directory) ? await CountPatientsAsync().ConfigureAwait(false) : null;

    /// <summary>How many patients the directory holds (builds the index if needed).</summary>
    /// <returns>The count.</returns>
    public async Task<int> CountPatientsAsync() => (await index.Value.ConfigureAwait(false)).PatientIds.Count;

    /// <summary>Every patient id, in file order (builds the index if needed).</summary>
    /// <returns>The ids.</returns>
    public async Task<IReadOnlyCollection<string>> PatientIdsAsync() => [.. (await index.Value.ConfigureAwait(false)).PatientIds];

    /// <inheritdoc />
    public async Task<PatientContext?> GetPatientContextAsync(string patient, CancellationToken cancellationToken = default)
    {
        var id = PatientId(patient);
        var idx = await index.Value.ConfigureAwait(false);
        if (!idx.TryGetPatient(id, out var line))
        {
            return null;
        }

        var patientJson = idx.Read(line);
        var locations = idx.Related(id);
        var lines = idx.ReadMany(locations);
        var related = new List<(string Type, ReadOnlyMemory<byte> Json)>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            related.Add((idx.FileTypes[NdjsonIndex.FileOf(locations[i])], lines[i]));
        }

        var engagement = new List<EngagementFact>();
        foreach (var entry in idx.Engagement(id))
        {
            if (ReadEngagement(idx.Read(entry)) is { } fact)
            {
                engagement.Add(fact);
            }
        }

        var context = PatientContextReader.TryRead(patientJson, related)
            ?? PatientContextBuilder.Build((Patient)Parse(patientJson), related.Select(r => Parse(r.Json)));
        return context with { Engagement = [.. engagement.OrderBy(e => e.At)] };
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsentFact>> GetConsentsAsync(string patient, CancellationToken cancellationToken = default)
    {
        var idx = await index.Value.ConfigureAwait(false);
        var locations = new List<ulong>();
        if (idx.Files.TryGetValue("Consent", out var file))
        {
            foreach (var entry in idx.Related(PatientId(patient)))
            {
                if (NdjsonIndex.FileOf(entry) == file)
                {
                    locations.Add(entry);
                }
            }
        }

        var consents = idx.ReadMany(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(locations));

        return PatientContextReader.TryReadConsents(consents) ?? PatientContextBuilder.ConsentFacts(consents.Select(json => (Consent)Parse(json)));
    }

    /// <inheritdoc />
    public async Task<Resource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken = default)
    {
        var idx = await index.Value.ConfigureAwait(false);
        switch (resourceType)
        {
            case "Patient":
                return idx.TryGetPatient(id, out var patient) ? Read(idx, patient) : null;
            case "Appointment" when idx.TryGetAppointment(id, out var line) && Read(idx, line) is { } appointment && appointment.Id == id:
                return appointment;
            default:
                return (await SearchAsync(resourceType, new Dictionary<string, string> { ["_id"] = id }, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Resource>> SearchAsync(string resourceType, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var unsupported = parameters.Keys.Where(k => k is not ("patient" or "subject" or "_id" or "status")).ToList();
        if (unsupported.Count > 0)
        {
            throw new FhirSourceException($"The NDJSON source does not support the search parameter(s) {string.Join(", ", unsupported)} (supported: patient, subject, _id, status).");
        }

        var idx = await index.Value.ConfigureAwait(false);
        if (!idx.Files.TryGetValue(resourceType, out var file))
        {
            return [];
        }

        IEnumerable<Resource> candidates;
        var patient = parameters.GetValueOrDefault("patient") ?? parameters.GetValueOrDefault("subject");
        if (resourceType == "Patient" && (patient ?? parameters.GetValueOrDefault("_id")) is { } patientId)
        {
            candidates = idx.TryGetPatient(PatientId(patientId), out var line) ? [Read(idx, line)] : [];
        }
        else if (patient is not null)
        {
            var found = new List<Resource>();
            foreach (var line in idx.Related(PatientId(patient)))
            {
                if (NdjsonIndex.FileOf(line) == file)
                {
                    found.Add(Read(idx, line));
                }
            }

            candidates = found;
        }
        else
        {
            candidates = ReadAll(idx, file);
        }

        var resourceId = parameters.GetValueOrDefault("_id");
        var status = parameters.GetValueOrDefault("status");
        return candidates
            .Where(r => resourceId is null || r.Id == resourceId)
            .Where(r => status is null || status.Split(',').Contains(StatusOf(r), StringComparer.Ordinal))
            .ToList();
    }

    /// <summary>Closes the files.</summary>
    public void Dispose()
    {
        if (index.IsValueCreated && index.Value.IsCompletedSuccessfully)
        {
            index.Value.Result.Dispose();
        }
    }

    private static string PatientId(string patient) => patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient["Patient/".Length..] : patient;

    private static string? StatusOf(Resource resource) => resource switch
    {
        Appointment r => r.Status?.GetLiteral(),
        Encounter r => r.Status?.GetLiteral(),
        Condition r => r.ClinicalStatus?.Coding.FirstOrDefault()?.Code,
        Observation r => r.Status?.GetLiteral(),
        MedicationRequest r => r.Status?.GetLiteral(),
        Immunization r => r.Status?.GetLiteral(),
        Coverage r => r.Status?.GetLiteral(),
        Consent r => r.Status?.GetLiteral(),
        _ => null,
    };

    private Resource Read(NdjsonIndex idx, ulong line) => Parse(idx.Read(line));

    private Resource Parse(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span);
        return deserializer.DeserializeResource(ref reader);
    }

    // Engagement.ndjson is our own format, not FHIR: {"patient":"Patient/p1","type":"email-open","at":"...","campaign":"..."}
    // (live events may add "automated" and "messageId"). Lines with an unknown type or no time are skipped.
    private static EngagementFact? ReadEngagement(byte[] line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var type = EngagementTypes.Normalize(root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null);
        var at = root.TryGetProperty("at", out var a) && a.ValueKind == JsonValueKind.String ? PatientContextBuilder.Instant(a.GetString()) : null;
        if (type is null || at is null)
        {
            return null;
        }

        var automated = root.TryGetProperty("automated", out var flag) && flag.ValueKind == JsonValueKind.True;
        var messageId = root.TryGetProperty("messageId", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return new EngagementFact(type, at.Value, automated, messageId);
    }

    // A scan of one file: searches without a patient (an appointment sweep) are rare and read everything once.
    private IEnumerable<Resource> ReadAll(NdjsonIndex idx, byte file)
    {
        var resources = new List<Resource>();
        LineScanner.Scan(idx.Paths[file], (_, line) =>
        {
            var reader = new Utf8JsonReader(line);
            resources.Add(deserializer.DeserializeResource(ref reader));
        });
        return resources;
    }

    private NdjsonIndex BuildIndex()
    {
        if (!Directory.Exists(directory))
        {
            throw new FhirSourceException($"The patient data directory '{directory}' does not exist; generate one with 'automation synth --patients N --out DIR'.");
        }

        return NdjsonIndex.Build(directory, RelatedTypes, Keys);
    }

    // Reads only the keys the index needs, without building FHIR objects.
    private static (string? Id, string? Patient) Keys(ReadOnlySpan<byte> line, string type)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var id = root.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
        string? reference = null;
        foreach (var name in new[] { "subject", "patient", "beneficiary" })
        {
            if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("reference", out var r))
            {
                reference = r.GetString();
                break;
            }
        }

        if (reference is null && type == "Appointment" && root.TryGetProperty("participant", out var participants))
        {
            reference = participants.EnumerateArray()
                .Select(p => p.TryGetProperty("actor", out var actor) && actor.TryGetProperty("reference", out var r) ? r.GetString() : null)
                .FirstOrDefault(r => r?.StartsWith("Patient/", StringComparison.Ordinal) == true);
        }

        var patient = type == "Patient" ? id : reference is not null && reference.StartsWith("Patient/", StringComparison.Ordinal) ? reference["Patient/".Length..] : null;
        return (id, patient);
    }
}
