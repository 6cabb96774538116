using Automation.Activities.Fhir.Synthetic;
using Automation.Cli;

namespace Automation.Activities.Fhir.Tests.Activities;

public sealed class RunWithPatientsCliTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("automation-cli-fhir-").FullName;

    [Fact]
    public async Task Run_FetchPatientAgainstSynthesizedPopulation_PrintsFromTheContext()
    {
        var patients = Path.Combine(folder, "patients");
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 5, OutputDirectory = patients }, CancellationToken.None);
        var workflow = Path.Combine(folder, "fetch.json");
        await File.WriteAllTextAsync(workflow, """
            {"definitionId":"fetch","root":{"type":"Elsa.Flowchart","activities":[
              {"id":"fetch","type":"Healthcare.FetchPatient","patientId":{"typeName":"String","expression":{"type":"Literal","value":"Patient/p0000001"}}},
              {"id":"say","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"JavaScript","value":"return 'found ' + outputs.fetch.Patient.id + ' aged ' + (outputs.fetch.Patient.age >= 0);"}}}],
             "connections":[{"source":{"activity":"fetch","port":"Found"},"target":{"activity":"say","port":"In"}}]}}
            """);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await CliApplication.RunAsync(["run", workflow, "--patients", patients, "--connection", "Data Source=" + Path.Combine(folder, "cli.db")], output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.Contains("found p0000001 aged true", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
