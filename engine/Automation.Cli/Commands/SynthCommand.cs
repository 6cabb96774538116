using System.CommandLine;
using System.Diagnostics;
using Automation.Activities.Fhir.Synthetic;

namespace Automation.Cli.Commands;

/// <summary><c>automation synth --patients N [--seed S] [--today YYYY-MM-DD] --out DIR</c>: writes a synthetic population.</summary>
internal static class SynthCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var patients = new Option<int>("--patients") { Description = "How many patients to generate (at least 1).", Required = true };
        var seed = new Option<int>("--seed") { Description = "The seed; the same seed gives the same files.", DefaultValueFactory = _ => 1 };
        var today = new Option<DateOnly?>("--today") { Description = "The reference date (default 2026-11-27)." };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "The output directory (one NDJSON file per type).", Required = true };
        var command = new Command("synth", "Generates a synthetic patient population as FHIR R4 Bulk Data NDJSON.") { patients, seed, today, outDir };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var count = parseResult.GetValue(patients);
            if (count <= 0)
            {
                await error.WriteLineAsync($"--patients must be at least 1 (was {count}).").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var options = new SyntheticOptions
            {
                PatientCount = count,
                Seed = parseResult.GetValue(seed),
                OutputDirectory = parseResult.GetValue(outDir)!.FullName,
            };
            if (parseResult.GetValue(today) is { } date)
            {
                options = options with { Today = date };
            }

            var started = Stopwatch.GetTimestamp();
            var summary = await new SyntheticPopulation().WriteAsync(options, cancellationToken).ConfigureAwait(false);
            foreach (var (file, lines) in summary.Counts)
            {
                await output.WriteLineAsync($"{file,-24}{lines,12:N0}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"{count:N0} patients in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s -> {options.OutputDirectory}").ConfigureAwait(false);
            return CliApplication.Ok;
        });
        return command;
    }
}
