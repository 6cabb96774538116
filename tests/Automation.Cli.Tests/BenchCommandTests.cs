using System.Globalization;
using System.Text.RegularExpressions;

namespace Automation.Cli.Tests;

/// <summary><c>automation bench campaign</c> end to end at N = 200 on both stores: the counts add up per message and
/// the last line is the throughput.</summary>
public sealed partial class BenchCommandTests : IDisposable
{
    private readonly string population = Directory.CreateTempSubdirectory("automation-bench-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(population, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Campaign_ReEngagementSmime_CountsAddUpAndLastLineIsThroughput(string db)
    {
        var args = new List<string> { "bench", "campaign", "--patients", "200", "--journey", "re-engagement", "--method", "smime", "--db", db, "--population", population, "--warmup", "60", "--memory-limit-mb", "0" };
        if (db == "postgres")
        {
            args.AddRange(["--connection", Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } configured
                ? configured
                : "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation_test"]);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync([.. args], output, error);

        Assert.True(exit == 0, error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        var values = lines.Where(l => l.Contains(": ", StringComparison.Ordinal))
            .Select(l => l.Split(": ", 2))
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        long Number(string key) => long.Parse(values[key].Split(' ')[0], CultureInfo.InvariantCulture);

        // The warm-up ran first in a store of its own: the measured counts below are the 200 patients' alone.
        Assert.Matches(WarmupLine(), lines.Single(l => l.StartsWith("warm-up:", StringComparison.Ordinal)));
        Assert.StartsWith("gc: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(", no heap limit (", lines[0], StringComparison.Ordinal);
        var entered = Number("entered");
        Assert.InRange(entered, 1, 199);
        Assert.Equal(Number("messages"), Number("sent") + Number("denied") + Number("blocked") + Number("failed"));
        Assert.Equal(Number("sent"), Number("smtp_received"));
        Assert.True(Number("sent") > 0, "nothing was delivered");

        var steps = lines.Where(l => l.StartsWith("message_", StringComparison.Ordinal)).Select(Step).ToList();
        Assert.True(steps.Count >= 2, "the follow-up after the engagement timeout never ran");
        // Patients without marketing consent are kept out at audience entry: the first step's denials, with no instance.
        var excluded = Number("excluded_at_entry");
        Assert.True(excluded > 0, "the consent screen kept nobody out");
        Assert.Equal(entered + excluded, steps[0]["attempts"]);
        Assert.Equal(excluded, steps[0]["denied"]);
        foreach (var step in steps)
        {
            Assert.Equal(step["attempts"], step["sent"] + step["denied"] + step["blocked"] + step["failed"]);
        }

        // Nobody clicks: every patient whose first message went out gets the follow-up (consent is unchanged).
        Assert.Equal(steps[0]["sent"], steps[1]["attempts"]);
        Assert.Matches(ThroughputLine(), lines[^1]);
        var cpu = Assert.Single(lines, l => l.StartsWith("cpu_ms_per_message: ", StringComparison.Ordinal));
        var figures = CpuLine().Match(cpu);
        Assert.True(figures.Success, cpu);
        Assert.True(double.Parse(figures.Groups["process"].Value, CultureInfo.InvariantCulture) > 0, cpu);
        Assert.True(double.Parse(figures.Groups["machine"].Value, CultureInfo.InvariantCulture) >= double.Parse(figures.Groups["process"].Value, CultureInfo.InvariantCulture) * 0.5, cpu);
        var allocation = Assert.Single(lines, l => l.StartsWith("allocated_kb_per_message: ", StringComparison.Ordinal));
        var allocated = AllocationLine().Match(allocation);
        Assert.True(allocated.Success, allocation);
        Assert.True(double.Parse(allocated.Groups["kb"].Value, CultureInfo.InvariantCulture) > 1, allocation);
        var pause = Assert.Single(lines, l => l.StartsWith("gc_pause_ms: ", StringComparison.Ordinal));
        var paused = PauseLine().Match(pause);
        Assert.True(paused.Success, pause);
        Assert.InRange(double.Parse(paused.Groups["share"].Value, CultureInfo.InvariantCulture), 0, 100);
        Assert.True(long.Parse(paused.Groups["ms"].Value, CultureInfo.InvariantCulture) <= double.Parse(values["elapsed_seconds"], CultureInfo.InvariantCulture) * 1000 + 1, pause);
    }

    [Fact]
    public async Task Campaign_WithoutWarmupOption_WarmsUpWithNPatientsWhenNIsBelowTheDefault()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["bench", "campaign", "--patients", "40", "--journey", "re-engagement", "--method", "tls", "--db", "sqlite", "--population", population, "--memory-limit-mb", "0"], output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.Contains(output.ToString().Split('\n'), line => line.StartsWith("warm-up: 40 patients, ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Campaign_NegativeWarmup_IsRejected()
    {
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["bench", "campaign", "--patients", "10", "--journey", "re-engagement", "--method", "tls", "--warmup", "-1"], new StringWriter(), error);

        Assert.Equal(CliApplication.Invalid, exit);
        Assert.Contains("--warmup", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100")] // the GC would take it and then fail the process with OutOfMemoryException
    public async Task Campaign_NegativeOrTooSmallMemoryLimit_IsRejectedBeforeAnythingRuns(string megabytes)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["bench", "campaign", "--patients", "10", "--journey", "re-engagement", "--method", "tls", "--memory-limit-mb", megabytes], output, error);

        Assert.Equal(CliApplication.Invalid, exit);
        Assert.Contains($"--memory-limit-mb must be 0 (no limit) or at least 256 (was {megabytes})", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    // In a process of its own, as a user runs it: this test host runs neither the CLI's GC nor should it get a heap limit.
    [Fact]
    public async Task Campaign_InItsOwnProcess_RunsOnTheServerGcUnderThreeQuartersOfTheMemoryLimit()
    {
        var (exit, output, error) = await RunCliAsync("bench", "campaign", "--patients", "40", "--journey", "re-engagement", "--method", "tls", "--db", "sqlite", "--population", population, "--warmup", "0", "--memory-limit-mb", "1024");

        Assert.True(exit == 0, error);
        // The figure is the GC's own report of its limit, read back after a collection, not the option echoed.
        Assert.Matches(@"^gc: server, heap limit 768 MB \(75% of --memory-limit-mb 1024, as in a container with that limit\)$", output.Split('\n')[0].TrimEnd('\r'));
    }

    private static async Task<(int Exit, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "automation.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Campaign_ConnectionWithSqlite_IsRejected()
    {
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["bench", "campaign", "--patients", "10", "--journey", "re-engagement", "--method", "tls", "--db", "sqlite", "--connection", "Data Source=x.db"], new StringWriter(), error);

        Assert.Equal(CliApplication.Invalid, exit);
        Assert.Contains("--connection", error.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, long> Step(string line) =>
        line[(line.IndexOf(':', StringComparison.Ordinal) + 2)..].Split(' ')
            .Select(pair => pair.Split('='))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);

    [GeneratedRegex(@"^warm-up: 60 patients, sent: \d+ \(\d+\.\d s, not measured\)$")]
    private static partial Regex WarmupLine();

    [GeneratedRegex(@"^cpu_ms_per_message: (?<process>\d+\.\d\d) process, (?<machine>\d+\.\d\d) machine \(")]
    private static partial Regex CpuLine();

    [GeneratedRegex(@"^allocated_kb_per_message: (?<kb>\d+\.\d) \(this process; collections gen0 \d+, gen1 \d+, gen2 \d+\)$")]
    private static partial Regex AllocationLine();

    [GeneratedRegex(@"^gc_pause_ms: (?<ms>\d+) \((?<share>\d+\.\d)% of the measured time\)$")]
    private static partial Regex PauseLine();

    [GeneratedRegex(@"^messages_per_second: \d+(\.\d+)?$")]
    private static partial Regex ThroughputLine();
}
