using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Synthetic;
using Automation.Activities.Segments.Population;

namespace Automation.Activities.Segments.Tests.Population;

/// <summary>400 synthetic patients (Today = the tests' clock date) and their population index, shared by a test class.</summary>
public sealed class PopulationFixture : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("automation-segments-pop-").FullName;

    public PopulationIndex Index { get; private set; } = null!;

    public NdjsonPatientDataSource Source { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 400, Seed = 7, OutputDirectory = Directory }, CancellationToken.None);
        Index = await PopulationIndex.BuildAsync(Directory);
        Source = new NdjsonPatientDataSource(Directory);
    }

    public Task DisposeAsync()
    {
        Source.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }
}
