using Automation.Activities.Segments.Population;

namespace Automation.Server.Segments;

/// <summary>
/// The population audience counts, previews and entries run over: the NDJSON patient directory, or with a FHIR server
/// as the patient source its bulk export (<c>Fhir:PopulationExport</c>), indexed on first use and kept in memory;
/// rebuilt when <c>Patient.ndjson</c> changes. There is none when patients come from a FHIR server without an export,
/// or the directory has no <c>Patient.ndjson</c>: counts then answer 409 and audience entries are refused.
/// </summary>
internal sealed class SegmentPopulation(string? directory)
{
    private readonly Lock gate = new();
    private Task<PopulationIndex>? index;
    private DateTime indexedVersion;

    public bool IsAvailable => directory is not null && File.Exists(Path.Combine(directory, "Patient.ndjson"));

    public Task<PopulationIndex> GetAsync(CancellationToken cancellationToken)
    {
        if (directory is null)
        {
            throw new InvalidOperationException("No population directory: patients come from a FHIR server and no Fhir:PopulationExport is configured.");
        }

        var version = File.GetLastWriteTimeUtc(Path.Combine(directory, "Patient.ndjson"));
        lock (gate)
        {
            if (index is null || index.IsFaulted || index.IsCanceled || version != indexedVersion)
            {
                indexedVersion = version;
                index = PopulationIndex.BuildAsync(directory, CancellationToken.None);
            }

            return index.WaitAsync(cancellationToken);
        }
    }
}
