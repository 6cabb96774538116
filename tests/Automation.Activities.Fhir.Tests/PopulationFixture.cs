using Automation.Activities.Fhir.Synthetic;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Automation.Activities.Fhir.Tests;

/// <summary>One 300-patient population (seed 1), parsed line by line with Firely's strict parser.</summary>
public sealed class PopulationFixture : IAsyncLifetime
{
    public const int Patients = 300;

    public static readonly string[] FhirTypes =
    [
        "Patient", "Condition", "Observation", "MedicationRequest", "Immunization", "Appointment", "Encounter", "Coverage", "Consent",
    ];

    public string Folder { get; } = Directory.CreateTempSubdirectory("synth-tests-").FullName;

    public string Directory1 => Path.Combine(Folder, "seed1");

    public SyntheticSummary Summary { get; private set; } = new([]);

    /// <summary>Resources by file type, in file order.</summary>
    public Dictionary<string, List<Resource>> Resources { get; } = [];

    public List<string> EngagementLines { get; } = [];

    public async System.Threading.Tasks.Task InitializeAsync()
    {
        Summary = await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = Patients, OutputDirectory = Directory1 }, CancellationToken.None);
#pragma warning disable CS0618 // FhirJsonParser is what the brief names; obsolete in 6.x, so the strict deserializer checks too.
        var parser = new FhirJsonParser(new ParserSettings { PermissiveParsing = false });
#pragma warning restore CS0618
        var strict = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        foreach (var type in FhirTypes)
        {
            var list = new List<Resource>();
            var lineNumber = 0;
            foreach (var line in await File.ReadAllLinesAsync(Path.Combine(Directory1, type + ".ndjson")))
            {
                lineNumber++;
                try
                {
#pragma warning disable CS0618
                    var parsed = parser.Parse<Resource>(line);
#pragma warning restore CS0618
                    var resource = strict.DeserializeResource(line);
                    Assert.Equal(parsed.TypeName, resource.TypeName);
                    list.Add(resource);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"{type}.ndjson line {lineNumber} does not parse: {e.Message}\n{line}", e);
                }
            }

            Resources[type] = list;
        }

        EngagementLines.AddRange(await File.ReadAllLinesAsync(Path.Combine(Directory1, "Engagement.ndjson")));
    }

    public IEnumerable<T> All<T>()
        where T : Resource => Resources[typeof(T).Name].Cast<T>();

    public System.Threading.Tasks.Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return System.Threading.Tasks.Task.CompletedTask;
    }
}
