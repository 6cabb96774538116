using Automation.Activities.Fhir.Synthetic;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Population;

namespace Automation.Cli.Tests;

/// <summary><c>automation segment ...</c> over 200 synthetic patients and the repository's sample segments.</summary>
public sealed class SegmentCommandTests : IAsyncLifetime
{
    private const string Now = "2026-11-27T12:00:00Z";
    private readonly string population = Directory.CreateTempSubdirectory("automation-cli-pop-").FullName;
    private readonly string scratch = Directory.CreateTempSubdirectory("automation-cli-seg-").FullName;

    private static string Samples
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "workflows", "segments");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("workflows/segments");
        }
    }

    public Task InitializeAsync() =>
        new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 200, Seed = 5, OutputDirectory = population }, CancellationToken.None);

    private static async Task<(int Exit, string[] Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray(), error.ToString());
    }

    [Fact]
    public async Task Count_PrintsTheAudienceLast()
    {
        var index = await PopulationIndex.BuildAsync(population);
        var compiler = new SegmentCompiler(id => File.ReadAllText(Path.Combine(Samples, id + ".json")));
        var expected = index.CountMatches(compiler.Compile(File.ReadAllText(Path.Combine(Samples, "at-risk.json"))), SegmentClock.At(DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture)));

        var (exit, lines, _) = await RunAsync("segment", "count", "--segment", Path.Combine(Samples, "at-risk.json"), "--population", population, "--now", Now);

        Assert.Equal(0, exit);
        Assert.Contains("population: 200 patients", lines[0], StringComparison.Ordinal);
        Assert.Equal($"count: {expected}", lines[^1]);
        Assert.InRange(expected, 1, 199);
    }

    [Fact]
    public async Task Validate_InvalidFile_PrintsPathsAndExitsTwo()
    {
        var file = Path.Combine(scratch, "bad.json");
        await File.WriteAllTextAsync(file, """{"id":"bad","rules":{"all":[{"age":{"min":1}},{"segment":"nowhere"},{"condition":{"system":"loinc","codes":["E11*"]}}]}}""");

        var (exit, lines, _) = await RunAsync("segment", "validate", file);

        Assert.Equal(2, exit);
        Assert.Contains("$.rules.all[1].segment: unknown segment 'nowhere'.", lines);
        Assert.Contains(lines, l => l.StartsWith("$.rules.all[2].condition.system: unknown code system", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_SampleWithReferences_IsValid()
    {
        var (exit, lines, _) = await RunAsync("segment", "validate", Path.Combine(Samples, "at-risk.json"));

        Assert.Equal(0, exit);
        Assert.Equal(["valid"], lines);
    }

    [Fact]
    public async Task Explain_PrintsTheTreeAndTheVerdict()
    {
        var index = await PopulationIndex.BuildAsync(population);
        var segment = new SegmentCompiler().Compile(File.ReadAllText(Path.Combine(Samples, "turning-65-not-medicare.json")));
        var clock = SegmentClock.At(DateTimeOffset.Parse(Now, System.Globalization.CultureInfo.InvariantCulture));
        var patient = index.Patients[3].Id;

        var (exit, lines, _) = await RunAsync("segment", "explain", "--segment", Path.Combine(Samples, "turning-65-not-medicare.json"), "--population", population, "--patient", patient, "--now", Now);

        Assert.Equal(0, exit);
        Assert.Contains(lines, l => l.EndsWith("all $.rules", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("age $.rules.all[0]", StringComparison.Ordinal));
        Assert.Equal($"matched: {(segment.Matches(index.Patients[3], clock) ? "true" : "false")}", lines[^1]);
    }

    [Fact]
    public async Task Explain_UnknownPatient_ExitsOne()
    {
        var (exit, _, err) = await RunAsync("segment", "explain", "--segment", Path.Combine(Samples, "age-50-75.json"), "--population", population, "--patient", "nobody");

        Assert.Equal(1, exit);
        Assert.Contains("No patient 'nobody'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_MissingPopulation_ExitsTwoWithTheReason()
    {
        var (exit, _, err) = await RunAsync("segment", "count", "--segment", Path.Combine(Samples, "age-50-75.json"), "--population", Path.Combine(scratch, "none"));

        Assert.Equal(2, exit);
        Assert.Contains("automation synth", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WorkflowWithEvaluateSegment_UsesTheSegmentsFolder()
    {
        Environment.SetEnvironmentVariable("AUTOMATION_SEGMENTS", Samples);
        var index = await PopulationIndex.BuildAsync(population);
        var band = new SegmentCompiler().Compile(File.ReadAllText(Path.Combine(Samples, "age-50-75.json")));
        var clock = SegmentClock.From(TimeProvider.System);
        var inside = index.Patients.First(p => band.Matches(p, clock)).Id;
        var outside = index.Patients.First(p => !band.Matches(p, clock)).Id;
        var workflow = Path.Combine(scratch, "segment-flow.json");
        await File.WriteAllTextAsync(workflow, """
            {"definitionId":"segment-flow","root":{"type":"Elsa.Flowchart","activities":[
              {"id":"eval","type":"Healthcare.EvaluateSegment","segment":{"typeName":"String","expression":{"type":"Literal","value":"age-50-75"}},
               "patient":{"typeName":"Object","expression":{"type":"JavaScript","value":"return input.patient;"}}},
              {"id":"in","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"Literal","value":"in the segment"}}},
              {"id":"out","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"Literal","value":"not in the segment"}}}],
             "connections":[{"source":{"activity":"eval","port":"Matched"},"target":{"activity":"in","port":"In"}},
                            {"source":{"activity":"eval","port":"NotMatched"},"target":{"activity":"out","port":"In"}}]}}
            """);
        var db = "Data Source=" + Path.Combine(scratch, "cli.db");

        var (exitIn, linesIn, errIn) = await RunAsync("run", workflow, "--input", "patient=" + inside, "--patients", population, "--connection", db);
        var (exitOut, linesOut, _) = await RunAsync("run", workflow, "--input", "patient=" + outside, "--patients", population, "--connection", db);

        Assert.True(exitIn == 0, errIn);
        Assert.Equal("in the segment", linesIn[0]);
        Assert.Equal(0, exitOut);
        Assert.Equal("not in the segment", linesOut[0]);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(population, recursive: true);
        Directory.Delete(scratch, recursive: true);
        return Task.CompletedTask;
    }
}
