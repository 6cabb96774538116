using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Synthetic;

namespace Automation.Activities.Fhir.Tests.Sources;

/// <summary>The synthetic population read back through the embedded source: every patient has a usable context.</summary>
public sealed class SyntheticPopulationSourceTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("automation-synth-source-").FullName;
    private NdjsonPatientDataSource source = null!;

    public async Task InitializeAsync()
    {
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 200, Seed = 7, OutputDirectory = directory }, CancellationToken.None);
        source = new NdjsonPatientDataSource(directory);
    }

    public Task DisposeAsync()
    {
        source.Dispose();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryPatient_HasAContextWithTheFactsSegmentsAndConsentNeed()
    {
        var ids = await source.PatientIdsAsync();
        var contexts = new List<Automation.Activities.Fhir.Patients.PatientContext>();
        foreach (var id in ids)
        {
            contexts.Add((await source.GetPatientContextAsync(id))!);
        }

        Assert.Equal(200, contexts.Count);
        Assert.All(contexts, c => Assert.NotNull(c.BirthDate));
        Assert.Contains(contexts, c => c.Email is null);
        Assert.True(contexts.Count(c => c.Email is not null) > 150);
        Assert.Contains(contexts, c => c.Conditions.Any(x => x.Codings.Any(k => k.Code.StartsWith("E11", StringComparison.Ordinal))));
        Assert.Contains(contexts, c => c.LatestLabs.ContainsKey("4548-4"));
        Assert.Contains(contexts, c => c.Appointments.Any(a => a.Status == "booked") && c.Appointments.Any(a => a.Status is "fulfilled" or "noshow"));
        Assert.Contains(contexts, c => c.Coverages.Any(x => x.Kind == "medicare"));
        Assert.Contains(contexts, c => c.Consents.Any(x => x.Purposes.Contains("HMARKT") && x.Decision == "permit" && x.Channels.Contains("email")));
        Assert.Contains(contexts, c => c.Consents.Any(x => x.Decision == "deny"));
    }
}
