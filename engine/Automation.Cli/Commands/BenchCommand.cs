using System.CommandLine;
using Automation.Cli.Campaign;

namespace Automation.Cli.Commands;

/// <summary>
/// <c>automation bench campaign --patients N --journey re-engagement|appointment-reminder --method smime|tls|pgp|portal
/// --db sqlite|postgres [--connection CS] [--population DIR] [--seed S] [--warmup N] [--memory-limit-mb M]</c>: the end-to-end campaign benchmark
/// (see <see cref="CampaignBenchmark"/>). The last line printed is <c>messages_per_second: X</c>.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var patients = new Option<int>("--patients") { Description = "How many synthetic patients (at least 1).", Required = true };
        var journey = new Option<string>("--journey") { Description = "re-engagement or appointment-reminder.", Required = true };
        journey.AcceptOnlyFromAmong(CampaignSettings.ReEngagement, CampaignSettings.AppointmentReminder);
        var method = new Option<string>("--method") { Description = "The only delivery method the benchmark policy allows: smime, tls, pgp or portal.", Required = true };
        method.AcceptOnlyFromAmong("smime", "tls", "pgp", "portal");
        var db = new Option<string>("--db") { Description = "sqlite (a new file in a temporary folder) or postgres (a new schema, dropped at the end).", DefaultValueFactory = _ => "sqlite" };
        db.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string (default " + CampaignBenchmark.DefaultPostgres + ")." };
        var population = new Option<DirectoryInfo?>("--population") { Description = "The population directory; reused when its Patient.ndjson has N patients, generated otherwise." };
        var seed = new Option<int>("--seed") { Description = "The population seed.", DefaultValueFactory = _ => 1 };
        var workflows = new Option<DirectoryInfo?>("--workflows") { Description = "The folder with the journeys and segments/ (default: the repository's workflows folder)." };
        var warmup = new Option<int?>("--warmup")
        {
            Description = $"Patients of an unmeasured warm-up run (same journey, method and store, its own schema or file) before the measured one; 0 for none (default: {DefaultWarmup}, or N when smaller).",
        };
        var memoryLimit = new Option<int>("--memory-limit-mb")
        {
            Description = $"Run as in a container with this memory limit: the GC keeps its heap under {ContainerMemoryLimit.HeapPercent}% of it, as .NET does in a container; 0 for no limit (default: {DefaultMemoryLimit}, the target for N = 1,000,000).",
            DefaultValueFactory = _ => DefaultMemoryLimit,
        };
        var campaign = new Command("campaign", "Runs a journey end to end for a synthetic population into a loopback SMTP server and prints throughput, latency, peak RSS and counts.")
        {
            patients, journey, method, db, connection, population, seed, workflows, warmup, memoryLimit,
        };
        campaign.SetAction(async (parseResult, cancellationToken) =>
        {
            var count = parseResult.GetValue(patients);
            if (count <= 0)
            {
                await error.WriteLineAsync($"--patients must be at least 1 (was {count}).").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (parseResult.GetValue(warmup) is < 0)
            {
                await error.WriteLineAsync($"--warmup must be 0 or more (was {parseResult.GetValue(warmup)}).").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (parseResult.GetValue(memoryLimit) is < 0 or (> 0 and < MinimumMemoryLimit))
            {
                // The GC accepts a heap limit below what the process needs and then fails it with OutOfMemoryException.
                await error.WriteLineAsync($"--memory-limit-mb must be 0 (no limit) or at least {MinimumMemoryLimit} (was {parseResult.GetValue(memoryLimit)}).").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (parseResult.GetValue(connection) is not null && parseResult.GetValue(db) != "postgres")
            {
                await error.WriteLineAsync("--connection: only used with --db postgres (SQLite always gets a new temporary file).").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var folder = parseResult.GetValue(workflows)?.FullName ?? FindWorkflows();
            if (folder is null || !File.Exists(Path.Combine(folder, parseResult.GetValue(journey)! + ".json")))
            {
                await error.WriteLineAsync("--workflows: no workflows folder with the journey was found; give it with --workflows.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var settings = new CampaignSettings
            {
                Patients = count,
                Journey = parseResult.GetValue(journey)!,
                Method = parseResult.GetValue(method)!,
                Provider = parseResult.GetValue(db)!,
                Connection = parseResult.GetValue(connection),
                PopulationDirectory = parseResult.GetValue(population)?.FullName,
                Seed = parseResult.GetValue(seed),
                WorkflowsDirectory = folder,
                WarmupPatients = parseResult.GetValue(warmup) ?? Math.Min(DefaultWarmup, count),
                MemoryLimitMegabytes = parseResult.GetValue(memoryLimit),
            };
            if (settings.MemoryLimitMegabytes > 0 && !ContainerMemoryLimit.TryApply(settings.MemoryLimitMegabytes, out var refused))
            {
                await error.WriteLineAsync("--memory-limit-mb: " + refused).ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            return await new CampaignBenchmark(settings, output).RunAsync(cancellationToken).ConfigureAwait(false);
        });
        return new Command("bench", "Benchmarks.") { campaign };
    }

    // Enough sends (about 1,000) that the JIT has compiled the hot paths at full optimization before the measured run
    // starts, as in a server that has been running; with 2,000 patients it was still compiling ~5,900 methods during it.
    private const int DefaultWarmup = 30_000;

    private const int DefaultMemoryLimit = 1024;

    private const int MinimumMemoryLimit = 256;

    /// <summary>The repository's <c>workflows</c> folder, looked for above the current folder and above the program.</summary>
    private static string? FindWorkflows()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "workflows");
                if (File.Exists(Path.Combine(candidate, "re-engagement.json")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
