using System.Text.Json;
using Automation.Activities.Fhir.Patients;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Microsoft.Win32.SafeHandles;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// The embedded default: a directory of FHIR Bulk Data NDJSON files (one per resource type, as <c>automation synth</c>
/// writes). On first use every file is indexed once: byte offsets by patient and, for Patient and Appointment, by id.
/// Resources are parsed only when read, so memory holds offsets, not the population.
/// </summary>
public sealed class NdjsonPatientDataSource : IPatientDataSource, IDisposable
{
    private static readonly string[] RelatedTypes = ["Condition", "Observation", "MedicationRequest", "Immunization", "Appointment", "Encounter", "Coverage", "Consent"];
    private static readonly HashSet<string> IndexedById = ["Patient", "Appointment"];

    private readonly string directory;
    private readonly Lazy<Task<Index>> index;
    // Recoverable mode ignores validation findings anyway, so the validator (a third of the parse time) is switched off.
    private readonly FhirJsonDeserializer deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable) with { Validator = null });

    /// <summary>Creates the source; nothing is read until first use.</summary>
    /// <param name="directory">The NDJSON directory.</param>
    public NdjsonPatientDataSource(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        this.directory = Path.GetFullPath(directory);
        index = new Lazy<Task<Index>>(() => System.Threading.Tasks.Task.Run(BuildIndex));
    }

    /// <summary>How many patients the directory holds (builds the index if needed).</summary>
    /// <returns>The count.</returns>
    public async Task<int> CountPatientsAsync() => (await index.Value.ConfigureAwait(false)).ById["Patient"].Count;

    /// <summary>Every patient id, in file order (builds the index if needed).</summary>
    /// <returns>The ids.</returns>
    public async Task<IReadOnlyCollection<string>> PatientIdsAsync() => (await index.Value.ConfigureAwait(false)).ById["Patient"].Keys;

    /// <inheritdoc />
    public async Task<PatientContext?> GetPatientContextAsync(string patient, CancellationToken cancellationToken = default)
    {
        var id = PatientId(patient);
        var idx = await index.Value.ConfigureAwait(false);
        if (!idx.ById["Patient"].TryGetValue(id, out var entry))
        {
            return null;
        }

        var resource = (Patient)Read(idx, entry);
        var related = idx.ByPatient.TryGetValue(id, out var entries) ? entries.Select(e => Read(idx, e)).ToList() : [];
        var engagement = idx.EngagementByPatient.TryGetValue(id, out var events) ? events.Select(e => ReadEngagement(idx, e)).OfType<EngagementFact>().OrderBy(e => e.At).ToList() : [];
        return PatientContextBuilder.Build(resource, related) with { Engagement = engagement };
    }

    /// <inheritdoc />
    public async Task<Resource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken = default)
    {
        var idx = await index.Value.ConfigureAwait(false);
        if (!IndexedById.Contains(resourceType))
        {
            return (await SearchAsync(resourceType, new Dictionary<string, string> { ["_id"] = id }, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        }

        return idx.ById[resourceType].TryGetValue(id, out var entry) ? Read(idx, entry) : null;
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
        if (!idx.Files.ContainsKey(resourceType))
        {
            return [];
        }

        IEnumerable<Resource> candidates;
        var patient = parameters.GetValueOrDefault("patient") ?? parameters.GetValueOrDefault("subject");
        if (resourceType == "Patient" && (patient ?? parameters.GetValueOrDefault("_id")) is { } patientId)
        {
            candidates = idx.ById["Patient"].TryGetValue(PatientId(patientId), out var p) ? [Read(idx, p)] : [];
        }
        else if (patient is not null)
        {
            candidates = idx.ByPatient.TryGetValue(PatientId(patient), out var entries)
                ? entries.Where(e => idx.FileTypes[e.File] == resourceType).Select(e => Read(idx, e))
                : [];
        }
        else
        {
            candidates = ReadAll(idx, resourceType);
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
            foreach (var handle in index.Value.Result.Handles)
            {
                handle.Dispose();
            }
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

    private Resource Read(Index idx, Entry entry)
    {
        var buffer = new byte[entry.Length];
        RandomAccess.Read(idx.Handles[entry.File], buffer, entry.Offset);
        var reader = new Utf8JsonReader(buffer);
        return deserializer.DeserializeResource(ref reader);
    }

    // Engagement.ndjson is our own format, not FHIR: {"patient":"Patient/p1","type":"email-open","at":"...","campaign":"..."}
    // (live events may add "automated" and "messageId"). Lines with an unknown type or no time are skipped.
    private static EngagementFact? ReadEngagement(Index idx, Entry entry)
    {
        var buffer = new byte[entry.Length];
        RandomAccess.Read(idx.Handles[entry.File], buffer, entry.Offset);
        using var document = JsonDocument.Parse(buffer);
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

    private IEnumerable<Resource> ReadAll(Index idx, string resourceType)
    {
        var file = idx.Files[resourceType];
        var entries = new List<Entry>();
        LineScanner.Scan(idx.Paths[file], (offset, line) => entries.Add(new Entry(file, offset, line.Length)));
        return entries.Select(e => Read(idx, e));
    }

    private Index BuildIndex()
    {
        if (!Directory.Exists(directory))
        {
            throw new FhirSourceException($"The patient data directory '{directory}' does not exist; generate one with 'automation synth --patients N --out DIR'.");
        }

        var idx = new Index();
        foreach (var type in RelatedTypes.Prepend("Patient"))
        {
            var path = Path.Combine(directory, type + ".ndjson");
            idx.ById[type] = new Dictionary<string, Entry>(StringComparer.Ordinal);
            if (!File.Exists(path))
            {
                continue;
            }

            var file = (byte)idx.Paths.Count;
            idx.Paths.Add(path);
            idx.FileTypes.Add(type);
            idx.Files[type] = file;
            idx.Handles.Add(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess));
            LineScanner.Scan(path, (offset, line) =>
            {
                var (id, patient) = Keys(line, type);
                var entry = new Entry(file, offset, line.Length);
                if (IndexedById.Contains(type) && id is not null)
                {
                    idx.ById[type][id] = entry;
                }

                if (patient is not null)
                {
                    if (!idx.ByPatient.TryGetValue(patient, out var list))
                    {
                        list = [];
                        idx.ByPatient[patient] = list;
                    }

                    list.Add(entry);
                }
            });
        }

        IndexEngagement(idx);
        return idx;
    }

    private void IndexEngagement(Index idx)
    {
        var path = Path.Combine(directory, "Engagement.ndjson");
        if (!File.Exists(path))
        {
            return;
        }

        var file = (byte)idx.Paths.Count;
        idx.Paths.Add(path);
        idx.FileTypes.Add("Engagement");
        idx.Handles.Add(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess));
        LineScanner.Scan(path, (offset, line) =>
        {
            var reader = new Utf8JsonReader(line);
            string? patient = null;
            while (patient is null && reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("patient"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    patient = PatientId(reader.GetString()!);
                }
            }

            if (patient is null)
            {
                return;
            }

            if (!idx.EngagementByPatient.TryGetValue(patient, out var list))
            {
                list = [];
                idx.EngagementByPatient[patient] = list;
            }

            list.Add(new Entry(file, offset, line.Length));
        });
    }

    // Reads only the keys the index needs, without building FHIR objects.
    private static (string? Id, string? Patient) Keys(ReadOnlySpan<byte> line, string type)
    {
        using var document = JsonDocument.Parse(line.ToArray());
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

    private readonly record struct Entry(byte File, long Offset, int Length);

    private sealed class Index
    {
        public List<string> Paths { get; } = [];
        public List<string> FileTypes { get; } = [];
        public List<SafeFileHandle> Handles { get; } = [];
        public Dictionary<string, byte> Files { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Dictionary<string, Entry>> ById { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<Entry>> ByPatient { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<Entry>> EngagementByPatient { get; } = new(StringComparer.Ordinal);
    }
}
