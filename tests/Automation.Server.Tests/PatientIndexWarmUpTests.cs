using Automation.Activities.Fhir.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>The server indexes the NDJSON patient directory as it starts, before any read; a directory that does not
/// exist yet is left alone, so patients written after the start are still found.</summary>
public sealed class PatientIndexWarmUpTests : IDisposable
{
    private const string Patient = """{"resourceType":"Patient","id":"p1","birthDate":"1980-02-03"}""";

    private readonly string data = Directory.CreateTempSubdirectory("automation-warmup-").FullName;
    private readonly StringWriter console = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task ExistingDirectory_IsIndexedAtStart_WithoutAnyRead()
    {
        var patients = Directory.CreateDirectory(Path.Combine(data, "fhir")).FullName;
        await File.WriteAllTextAsync(Path.Combine(patients, "Patient.ndjson"), Patient + "\n");
        await using var server = Start(patients);
        _ = server.Services; // starts the host
        var source = Assert.IsType<NdjsonPatientDataSource>(server.Services.GetRequiredService<IPatientDataSource>());

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!source.IsIndexed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(source.IsIndexed, "the patient index was not built at start");
    }

    [Fact]
    public async Task MissingDirectory_IsNotIndexed_AndPatientsWrittenLaterAreRead()
    {
        var patients = Path.Combine(data, "later");
        await using var server = Start(patients);
        _ = server.Services;
        var source = Assert.IsType<NdjsonPatientDataSource>(server.Services.GetRequiredService<IPatientDataSource>());
        await Task.Delay(500); // give the warm-up its chance to (wrongly) fail the index
        Assert.False(source.IsIndexed);

        Directory.CreateDirectory(patients);
        await File.WriteAllTextAsync(Path.Combine(patients, "Patient.ndjson"), Patient + "\n");
        var context = await source.GetPatientContextAsync("p1");

        Assert.NotNull(context);
        Assert.True(source.IsIndexed);
    }

    private ServerFactory Start(string patients) =>
        new(Path.Combine(data, "server-" + Guid.NewGuid().ToString("N")), Path.Combine(data, "no-workflows"), console, new Dictionary<string, string> { ["Fhir:Directory"] = patients });
}
