using Automation.Activities.Fhir.Synthetic;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Population;
using BenchmarkDotNet.Attributes;

namespace Automation.Benchmarks;

/// <summary>
/// Per-patient evaluation of the 10-predicate segment <c>workflows/segments/diabetes-outreach.json</c> (and of its
/// explanation) over 10,000 synthetic patients indexed once in setup. One operation = one patient.
/// </summary>
[MemoryDiagnoser]
public class SegmentBenchmarks
{
    private const int Batch = 1000;
    private string directory = "";
    private PatientFacts[] patients = [];
    private CompiledSegment segment = null!;
    private SegmentClock clock;
    private int next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        directory = Directory.CreateTempSubdirectory("automation-bench-segments-").FullName;
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 10_000, OutputDirectory = directory }, CancellationToken.None);
        patients = [.. (await PopulationIndex.BuildAsync(directory)).Patients];
        segment = SegmentCountRun.LoadSegment(null);
        clock = SegmentClock.At(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        if (segment.PredicateCount != 10)
        {
            throw new InvalidOperationException($"the benchmark segment has {segment.PredicateCount} predicates, not 10.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(directory, recursive: true);

    /// <summary>Evaluates 1,000 patients; reported per patient.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int EvaluateTenPredicates()
    {
        var matched = 0;
        for (var i = 0; i < Batch; i++)
        {
            if (segment.Matches(patients[next++ % patients.Length], clock))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>Explains 1,000 patients (every predicate, no short cut); reported per patient.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public bool ExplainTenPredicates()
    {
        var any = false;
        for (var i = 0; i < Batch; i++)
        {
            any ^= segment.Explain(patients[next++ % patients.Length], clock).Matched;
        }

        return any;
    }
}
