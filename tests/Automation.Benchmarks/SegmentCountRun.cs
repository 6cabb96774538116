using System.Diagnostics;
using System.Globalization;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Population;

namespace Automation.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Automation.Benchmarks -- segment-count DIR [SEGMENT.json]</c>: indexes a
/// synthesized population (time, peak RSS), then counts every segment in workflows/segments (or the one given) five
/// times each, printing the best and median count time and patients per second.
/// </summary>
internal static class SegmentCountRun
{
    public static async Task RunAsync(string population, string? segmentFile)
    {
        var segmentsFolder = FindSegmentsFolder();
        var documents = Directory.GetFiles(segmentsFolder, "*.json").ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText, StringComparer.Ordinal);
        var compiler = new SegmentCompiler(id => documents.GetValueOrDefault(id));
        var segments = segmentFile is null
            ? documents.Keys.Order(StringComparer.Ordinal).Select(id => compiler.Compile(documents[id])).ToList()
            : [compiler.Compile(File.ReadAllText(segmentFile))];

        Console.WriteLine($"cores: {Environment.ProcessorCount}, server GC: {System.Runtime.GCSettings.IsServerGC}");
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var index = await PopulationIndex.BuildAsync(population);
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"index: {index.Count:N0} patients in {index.BuildTime.TotalSeconds:F1} s ({index.Count / index.BuildTime.TotalSeconds:N0} patients/s); peak RSS {process.PeakWorkingSet64 / 1048576.0:N0} MiB (before {rssBefore / 1048576.0:N0} MiB), RSS after GC {process.WorkingSet64 / 1048576.0:N0} MiB, managed heap {GC.GetTotalMemory(false) / 1048576.0:N0} MiB"));

        var clock = SegmentClock.At(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        foreach (var segment in segments)
        {
            var times = new List<double>();
            var count = 0;
            for (var run = 0; run < 5; run++)
            {
                var started = Stopwatch.GetTimestamp();
                count = index.CountMatches(segment, clock);
                times.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"count {segment.Id,-26} predicates {segment.PredicateCount,2}  count: {count,9:N0}  best {times[0] * 1000:F0} ms  median {times[2] * 1000:F0} ms  {index.Count / times[0]:N0} patients/s"));
        }
    }

    public static CompiledSegment LoadSegment(string? file)
    {
        var folder = FindSegmentsFolder();
        var compiler = new SegmentCompiler(id => File.Exists(Path.Combine(folder, id + ".json")) ? File.ReadAllText(Path.Combine(folder, id + ".json")) : null);
        return compiler.Compile(File.ReadAllText(file ?? Path.Combine(folder, "diabetes-outreach.json")));
    }

    private static string FindSegmentsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows", "segments");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("workflows/segments not found above " + AppContext.BaseDirectory);
    }
}
