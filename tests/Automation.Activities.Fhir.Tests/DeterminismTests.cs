using Automation.Activities.Fhir.Synthetic;

namespace Automation.Activities.Fhir.Tests;

public sealed class DeterminismTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("synth-determinism-").FullName;

    private async Task<Dictionary<string, byte[]>> GenerateAsync(string name, int seed, int patients = 2500)
    {
        var dir = Path.Combine(folder, name);
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = patients, Seed = seed, OutputDirectory = dir }, CancellationToken.None);
        return Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
    }

    [Fact]
    public async Task SameSeed_SameBytes_AcrossChunks()
    {
        // 2500 patients spans several chunks and batches, so ordering across threads is exercised.
        var a = await GenerateAsync("a", 7);
        var b = await GenerateAsync("b", 7);
        Assert.Equal(10, a.Count);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (file, bytes) in a)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(b[file]), file + " differs");
        }
    }

    [Fact]
    public async Task DifferentSeed_DifferentPopulation()
    {
        var a = await GenerateAsync("a", 1, 200);
        var b = await GenerateAsync("b", 2, 200);
        Assert.False(a["Patient.ndjson"].AsSpan().SequenceEqual(b["Patient.ndjson"]));
        Assert.False(a["Condition.ndjson"].AsSpan().SequenceEqual(b["Condition.ndjson"]));
    }

    [Fact]
    public async Task APatientsLines_DoNotDependOnThePopulationSize()
    {
        var small = await GenerateAsync("small", 3, 10);
        var large = await GenerateAsync("large", 3, 2100);
        var firstTen = File.ReadLines(Path.Combine(folder, "large", "Patient.ndjson")).Take(10);
        Assert.Equal(File.ReadAllLines(Path.Combine(folder, "small", "Patient.ndjson")), firstTen);
        Assert.True(large["Patient.ndjson"].Length > small["Patient.ndjson"].Length);
    }

    [Fact]
    public async Task TodayMovesTheDates()
    {
        var dir = Path.Combine(folder, "today");
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 5, OutputDirectory = dir, Today = new DateOnly(2030, 1, 1) }, CancellationToken.None);
        Assert.Contains("\"birthDate\":\"20", File.ReadAllText(Path.Combine(dir, "Patient.ndjson")), StringComparison.Ordinal);
        Assert.Contains("2029-", File.ReadAllText(Path.Combine(dir, "Observation.ndjson")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonPositiveCount_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 0, OutputDirectory = folder }, CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
