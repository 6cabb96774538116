using BenchmarkDotNet.Running;

namespace Automation.Benchmarks;

/// <summary>dotnet run -c Release --project tests/Automation.Benchmarks -- --filter '*' (micro-benchmarks), or
/// <c>-- notification-latency [rate]</c> (FHIR notification to journey start, at a fixed rate), or
/// <c>-- audit-throughput [callers] [seconds]</c> (audit log group commit on SQLite and PostgreSQL), or
/// <c>-- secure-send [count] [parallelism] [methods]</c> (secure send messages/s per method), or
/// <c>-- segment-count DIR [SEGMENT.json]</c> (population index build, then audience counts), or
/// <c>-- journey-report [messages] [otherJourneys]</c> (one journey's report among other journeys' audit records).</summary>
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

        // Audit log group commit: concurrent durable appends on SQLite and PostgreSQL, records/s and latency printed.
        if (args is ["audit-throughput", ..])
        {
            await AuditThroughputRun.RunAsync(
                callers: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64,
                seconds: args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
            return;
        }

        if (args is ["secure-send-probe"])
        {
            SecureSendRun.Probe();
            return;
        }

        // Secure send throughput per method, into a loopback SMTP server.
        if (args is ["secure-send", ..])
        {
            var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5000;
            var parallelism = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 4;
            var methods = args.Length > 3 ? args[3].Split(',') : ["tls", "smime", "pgp", "portal"];
            await SecureSendRun.RunAsync(count, parallelism, methods);
            return;
        }

        if (args is ["segment-count", var population, ..])
        {
            await SegmentCountRun.RunAsync(population, args.Length > 2 ? args[2] : null);
            return;
        }

        if (args is ["journey-report", ..])
        {
            await JourneyReportRun.RunAsync(
                messages: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000,
                otherJourneys: args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 9);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
