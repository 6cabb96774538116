using System.Collections.Concurrent;
using System.Diagnostics;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Language;

namespace Automation.Activities.Segments.Population;

/// <summary>
/// A whole population's <see cref="PatientFacts"/>, built once by streaming an NDJSON directory as
/// <c>automation synth</c> writes it (Patient, Condition, Observation, MedicationRequest, Immunization, Encounter,
/// Appointment, Coverage, Engagement). No FHIR objects and no patient contexts are built: each line is read with a
/// pooled JSON reader and only the fields segments use are kept, with codes interned. Audience counts then evaluate a
/// compiled segment over every patient in parallel.
/// </summary>
public sealed class PopulationIndex
{
    private readonly PatientFacts[] patients;
    private readonly Dictionary<string, int> byId;

    internal PopulationIndex(PatientFacts[] patients, Dictionary<string, int> byId, TimeSpan buildTime)
    {
        this.patients = patients;
        this.byId = byId;
        BuildTime = buildTime;
    }

    /// <summary>How many patients are indexed.</summary>
    public int Count => patients.Length;

    /// <summary>How long building the index took.</summary>
    public TimeSpan BuildTime { get; }

    /// <summary>Every patient's facts, in file order.</summary>
    public IReadOnlyList<PatientFacts> Patients => patients;

    /// <summary>Indexes an NDJSON directory. Files are read in parallel (Patient first); a missing file means no such facts.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The index.</returns>
    /// <exception cref="DirectoryNotFoundException">There is no such directory, or it has no <c>Patient.ndjson</c>.</exception>
    public static Task<PopulationIndex> BuildAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Task.Run(() => Build(directory, cancellationToken), cancellationToken);
    }

    /// <summary>Finds a patient's facts.</summary>
    /// <param name="patientId">The id or reference (<c>Patient/p0000001</c>).</param>
    /// <returns>The facts, or <c>null</c>.</returns>
    public PatientFacts? Find(string patientId)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        var id = patientId.StartsWith("Patient/", StringComparison.Ordinal) ? patientId["Patient/".Length..] : patientId;
        return byId.TryGetValue(id, out var index) ? patients[index] : null;
    }

    /// <summary>Adds a live behavioural event (from tracking) to a patient's facts, so counts see it without
    /// re-indexing. Safe while counts run: the patient's event array is replaced, never changed in place.</summary>
    /// <param name="patientId">The id or reference.</param>
    /// <param name="engagement">The event; unknown types are ignored.</param>
    /// <returns><c>true</c> when the patient is indexed and the event was added.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public bool AddEngagement(string patientId, Fhir.Patients.EngagementFact engagement)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        if (Find(patientId) is not { } facts || FactCodes.Engagement(Fhir.Patients.EngagementTypes.Normalize(engagement.Type)) is not { } kind)
        {
            return false;
        }

        lock (facts)
        {
            facts.Engagement = [.. facts.Engagement, new EngagementEntry(kind, FactCodes.Minute(engagement.At), engagement.Automated)];
        }

        return true;
    }

    /// <summary>Counts the patients in a segment, evaluating in parallel on every core.</summary>
    /// <param name="segment">The compiled segment.</param>
    /// <param name="clock">The evaluation instant (the same for every patient).</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The audience size.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="segment"/> is null.</exception>
    public int CountMatches(CompiledSegment segment, SegmentClock clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var rule = segment.Root;
        var total = 0;
        var ranges = Partitioner.Create(0, patients.Length, Math.Max(1024, patients.Length / (Environment.ProcessorCount * 16)));
        Parallel.ForEach(ranges, new ParallelOptions { CancellationToken = cancellationToken }, () => 0, (range, _, local) =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                if (rule.Evaluate(patients[i], clock))
                {
                    local++;
                }
            }

            return local;
        }, local => Interlocked.Add(ref total, local));
        return total;
    }

    /// <summary>The first patient ids (in file order) in a segment: ids only, no other data.</summary>
    /// <param name="segment">The compiled segment.</param>
    /// <param name="clock">The evaluation instant.</param>
    /// <param name="take">How many at most.</param>
    /// <returns>The ids.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="take"/> is negative.</exception>
    public IReadOnlyList<string> Preview(CompiledSegment segment, SegmentClock clock, int take)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        var ids = new List<string>(Math.Min(take, 1000));
        for (var i = 0; i < patients.Length && ids.Count < take; i++)
        {
            if (segment.Root.Evaluate(patients[i], clock))
            {
                ids.Add(patients[i].Id);
            }
        }

        return ids;
    }

    /// <summary>Streams the ids of the patients in a segment, in file order (stable, so an audience entry that stopped
    /// half way can skip what it already entered).</summary>
    /// <param name="segment">The compiled segment.</param>
    /// <param name="clock">The evaluation instant.</param>
    /// <returns>The ids, lazily.</returns>
    public IEnumerable<string> Members(CompiledSegment segment, SegmentClock clock)
    {
        ArgumentNullException.ThrowIfNull(segment);
        for (var i = 0; i < patients.Length; i++)
        {
            if (segment.Root.Evaluate(patients[i], clock))
            {
                yield return patients[i].Id;
            }
        }
    }

    private static PopulationIndex Build(string directory, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var patientFile = Path.Combine(directory, "Patient.ndjson");
        if (!File.Exists(patientFile))
        {
            throw new DirectoryNotFoundException($"'{directory}' holds no Patient.ndjson; generate a population with 'automation synth --patients N --out DIR'.");
        }

        var (patients, byId) = PatientFileReader.Read(patientFile, cancellationToken);
        var readers = RelatedFileReaders.All
            .Select(r => (Reader: r, Path: Path.Combine(directory, r.FileName)))
            .Where(r => File.Exists(r.Path))
            .OrderByDescending(r => new FileInfo(r.Path).Length) // largest first, so the cores finish together
            .ToList();
        Parallel.ForEach(readers, new ParallelOptions { CancellationToken = cancellationToken }, r => r.Reader.Read(r.Path, patients, byId, cancellationToken));
        return new PopulationIndex(patients, byId, Stopwatch.GetElapsedTime(started));
    }
}
