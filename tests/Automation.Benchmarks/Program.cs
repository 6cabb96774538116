using BenchmarkDotNet.Running;

namespace Automation.Benchmarks;

/// <summary>dotnet run -c Release --project tests/Automation.Benchmarks -- --filter '*' (micro-benchmarks), or
/// <c>-- notification-latency [rate]</c> (FHIR notification to journey start, at a fixed rate), or
/// <c>-- segment-count DIR [SEGMENT.json]</c> (population index build, then audience counts).</summary>
public static class BenchmarkProgram
{
    public static async Task Main(string[] args)
    {
        // A load test rather than a micro-benchmark: fixed-rate notifications, latency percentiles printed.
        if (args is ["notification-latency", ..])
        {
            await NotificationLatencyRun.RunAsync(rate: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200, seconds: 10);
            return;
        }

        if (args is ["segment-count", var population, ..])
        {
            await SegmentCountRun.RunAsync(population, args.Length > 2 ? args[2] : null);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
