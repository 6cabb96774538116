using Automation.Cli;

namespace Automation.Activities.Fhir.Tests;

public sealed class SynthCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("synth-cli-").FullName;

    [Fact]
    public async Task Synth_WritesFiles_PrintsCountsAndElapsed()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["synth", "--patients", "40", "--seed", "5", "--out", folder], output, error);

        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length);
        Assert.Matches(@"^Patient\.ndjson\s+40\s*$", lines[0]);
        Assert.Matches(@"^40 patients in \d+\.\d s", lines[^1]);
        Assert.Equal(40, File.ReadLines(Path.Combine(folder, "Patient.ndjson")).Count());
        Assert.Equal(10, Directory.GetFiles(folder, "*.ndjson").Length);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task Synth_NonPositivePatients_ExitsTwo(string patients)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(["synth", "--patients", patients, "--out", folder], output, error);

        Assert.Equal(2, exit);
        Assert.Contains("--patients", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task Synth_MissingOut_ExitsTwo()
    {
        var exit = await CliApplication.RunAsync(["synth", "--patients", "3"], new StringWriter(), new StringWriter());
        Assert.Equal(2, exit);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
