using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Synthetic;
using Automation.Activities.Fhir.Tests.Support;
using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Automation.Benchmarks;

/// <summary>
/// Patient contexts per second from the embedded NDJSON source (10,000 synthetic patients, indexed once in setup) and
/// from a FHIR server over loopback HTTP (the test server holding 500 of those patients). Reported per context.
/// </summary>
[MemoryDiagnoser]
public class PatientContextBenchmarks
{
    private const int Batch = 100;

    private string directory = "";
    private NdjsonPatientDataSource ndjson = null!;
    private FhirTestServer server = null!;
    private FhirServerPatientDataSource http = null!;
    private string[] ids = [];
    private int next;

    [GlobalSetup]
    public async System.Threading.Tasks.Task SetupAsync()
    {
        directory = Directory.CreateTempSubdirectory("automation-bench-fhir-").FullName;
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 10_000, OutputDirectory = directory }, CancellationToken.None);
        ndjson = new NdjsonPatientDataSource(directory);
        ids = (await ndjson.PatientIdsAsync()).ToArray();

        var parser = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));
        var wanted = ids.Take(500).ToHashSet();
        var resources = new List<Resource>();
        foreach (var file in Directory.GetFiles(directory, "*.ndjson").Where(f => !f.EndsWith("Engagement.ndjson", StringComparison.Ordinal)))
        {
            foreach (var line in File.ReadLines(file))
            {
                var resource = parser.DeserializeResource(line);
                if (resource is Patient p ? wanted.Contains(p.Id!) : wanted.Any(id => line.Contains("Patient/" + id + "\"", StringComparison.Ordinal)))
                {
                    resources.Add(resource);
                }
            }
        }

        server = await FhirTestServer.StartAsync(resources, pageSize: 50);
        http = new FhirServerPatientDataSource(new FhirServerOptions { BaseUrl = server.BaseUrl });
    }

    [GlobalCleanup]
    public async System.Threading.Tasks.Task CleanupAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
        ndjson.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Benchmark(Description = "patient context from NDJSON (10k population)", OperationsPerInvoke = Batch)]
    public async System.Threading.Tasks.Task NdjsonContext()
    {
        for (var i = 0; i < Batch; i++)
        {
            _ = await ndjson.GetPatientContextAsync(ids[next++ % ids.Length]);
        }
    }

    [Benchmark(Description = "patient context from a FHIR server over HTTP", OperationsPerInvoke = Batch)]
    public async System.Threading.Tasks.Task HttpContext()
    {
        for (var i = 0; i < Batch; i++)
        {
            _ = await http.GetPatientContextAsync(ids[next++ % 500]);
        }
    }
}
