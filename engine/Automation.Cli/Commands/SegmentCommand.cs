using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Population;

namespace Automation.Cli.Commands;

/// <summary>
/// <c>automation segment validate FILE</c>, <c>segment count --segment FILE --population DIR</c> (prints
/// <c>count: N</c> last) and <c>segment explain --segment FILE --population DIR --patient ID</c>. Segments a file
/// references are read from <c>&lt;id&gt;.json</c> beside it, or from <c>--segments DIR</c>.
/// </summary>
internal static class SegmentCommand
{
    public static Command Create(TextWriter output, TextWriter error) => new("segment", "Validates a segment, counts its audience, or explains it for one patient.")
    {
        Validate(output, error),
        Count(output, error),
        Explain(output, error),
    };

    private static Command Validate(TextWriter output, TextWriter error)
    {
        var file = new Argument<FileInfo>("file") { Description = "The segment document (JSON)." };
        var segments = SegmentsOption();
        var command = new Command("validate", "Lists every problem with its JSON path; exit 0 when there is none, 2 otherwise.") { file, segments };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            var json = await ReadAsync(path, error, cancellationToken).ConfigureAwait(false);
            if (json is null)
            {
                return CliApplication.Invalid;
            }

            var problems = Compiler(path, parseResult.GetValue(segments)).Validate(json);
            foreach (var problem in problems)
            {
                await output.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            if (problems.Count == 0)
            {
                await output.WriteLineAsync("valid").ConfigureAwait(false);
            }

            return problems.Count == 0 ? CliApplication.Ok : CliApplication.Invalid;
        });
        return command;
    }

    private static Command Count(TextWriter output, TextWriter error)
    {
        var (segment, population, segments, now) = (SegmentOption(), PopulationOption(), SegmentsOption(), NowOption());
        var command = new Command("count", "Indexes the population and counts the segment's audience; prints 'count: N' last.") { segment, population, segments, now };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var prepared = await PrepareAsync(parseResult, segment, population, segments, now, output, error, cancellationToken).ConfigureAwait(false);
            if (prepared is not var (compiled, index, clock))
            {
                return CliApplication.Invalid;
            }

            var started = Stopwatch.GetTimestamp();
            var count = index.CountMatches(compiled, clock, cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"evaluated in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms at {clock.Now:O}")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"count: {count}")).ConfigureAwait(false);
            return CliApplication.Ok;
        });
        return command;
    }

    private static Command Explain(TextWriter output, TextWriter error)
    {
        var (segment, population, segments, now) = (SegmentOption(), PopulationOption(), SegmentsOption(), NowOption());
        var patient = new Option<string>("--patient") { Description = "The patient id (p0000001 or Patient/p0000001).", Required = true };
        var command = new Command("explain", "Shows which rules held for one patient (paths and true/false, no patient data); prints 'matched: true|false' last.") { segment, population, patient, segments, now };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var prepared = await PrepareAsync(parseResult, segment, population, segments, now, output, error, cancellationToken).ConfigureAwait(false);
            if (prepared is not var (compiled, index, clock))
            {
                return CliApplication.Invalid;
            }

            var id = parseResult.GetValue(patient)!;
            if (index.Find(id) is not { } facts)
            {
                await error.WriteLineAsync($"No patient '{id}' in the population.").ConfigureAwait(false);
                return CliApplication.Failed;
            }

            var explanation = compiled.Explain(facts, clock);
            await WriteAsync(explanation.Root, 0, output).ConfigureAwait(false);
            await output.WriteLineAsync(explanation.Matched ? "matched: true" : "matched: false").ConfigureAwait(false);
            return CliApplication.Ok;
        });
        return command;
    }

    private static async Task WriteAsync(ExplanationNode node, int depth, TextWriter output)
    {
        await output.WriteLineAsync($"{new string(' ', depth * 2)}[{(node.Held ? "x" : " ")}] {node.Kind} {node.Path}").ConfigureAwait(false);
        foreach (var child in node.Children)
        {
            await WriteAsync(child, depth + 1, output).ConfigureAwait(false);
        }
    }

    private static async Task<(CompiledSegment Segment, PopulationIndex Index, SegmentClock Clock)?> PrepareAsync(
        ParseResult parseResult, Option<FileInfo> segment, Option<DirectoryInfo> population, Option<DirectoryInfo> segments, Option<DateTimeOffset?> now,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var file = parseResult.GetValue(segment)!;
        var json = await ReadAsync(file, error, cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return null;
        }

        CompiledSegment compiled;
        try
        {
            compiled = Compiler(file, parseResult.GetValue(segments)).Compile(json);
        }
        catch (SegmentValidationException exception)
        {
            foreach (var problem in exception.Problems)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return null;
        }

        PopulationIndex index;
        try
        {
            index = await PopulationIndex.BuildAsync(parseResult.GetValue(population)!.FullName, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryNotFoundException exception)
        {
            await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return null;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"population: {index.Count} patients indexed in {index.BuildTime.TotalSeconds:F1} s")).ConfigureAwait(false);
        await output.WriteLineAsync($"segment: {compiled.Id} ({compiled.PredicateCount} predicates)").ConfigureAwait(false);
        var clock = SegmentClock.At(parseResult.GetValue(now) ?? DateTimeOffset.UtcNow);
        return (compiled, index, clock);
    }

    private static async Task<string?> ReadAsync(FileInfo file, TextWriter error, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await error.WriteLineAsync($"The segment file '{file.FullName}' does not exist.").ConfigureAwait(false);
            return null;
        }

        return await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
    }

    private static SegmentCompiler Compiler(FileInfo file, DirectoryInfo? segments)
    {
        var folder = segments?.FullName ?? file.DirectoryName ?? ".";
        return new SegmentCompiler(id =>
        {
            var path = Path.Combine(folder, id + ".json");
            return SegmentCompiler.IsValidId(id) && File.Exists(path) ? File.ReadAllText(path) : null;
        });
    }

    private static Option<FileInfo> SegmentOption() => new("--segment") { Description = "The segment document (JSON).", Required = true };

    private static Option<DirectoryInfo> PopulationOption() => new("--population") { Description = "The NDJSON population directory ('automation synth' output).", Required = true };

    private static Option<DirectoryInfo> SegmentsOption() => new("--segments") { Description = "Where referenced segments are (<id>.json); default: the segment file's folder." };

    private static Option<DateTimeOffset?> NowOption() => new("--now") { Description = "The evaluation instant (ISO 8601); default: now." };
}
