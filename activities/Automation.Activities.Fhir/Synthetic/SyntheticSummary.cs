namespace Automation.Activities.Fhir.Synthetic;

/// <summary>What one generation run wrote: the number of lines per file, in <see cref="NdjsonFiles.All"/> order.</summary>
/// <param name="Counts">Lines written per file name (e.g. <c>Patient.ndjson</c>).</param>
public sealed record SyntheticSummary(IReadOnlyList<KeyValuePair<string, long>> Counts);
