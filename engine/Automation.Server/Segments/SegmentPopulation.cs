using Automation.Activities.Segments.Population;

namespace Automation.Server.Segments;

/// <summary>
/// The population audience counts and previews run over: the NDJSON patient directory, indexed on first use and
/// kept in memory; rebuilt when <c>Patient.ndjson</c> changes. There is none when patients come from a FHIR server
/// (a population export is then needed) or the directory has no <c>Patient.ndjson</c>: counts then answer 409.
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
            throw new InvalidOperationException("No population directory: patients come from a FHIR server.");
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
