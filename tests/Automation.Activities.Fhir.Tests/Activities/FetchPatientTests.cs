using System.Text.Json.Nodes;
using Automation.Activities.Fhir.Tests.Support;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.Fhir.Tests.Activities;

public sealed class FetchPatientTests : IDisposable
{
    private readonly string directory = TestPatients.WriteNdjson(TestPatients.All());
    private readonly StringWriter console = new();
    private readonly ServiceProvider services;

    public FetchPatientTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Fhir:Directory"] = directory }).Build();
        services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero)))
            .AddSingleton(new WorkflowConsole(console))
            .AddFhirPatientData(configuration, "unused")
            .AddAutomationEngine()
            .BuildServiceProvider();
    }

    private string[] Lines => console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static JsonObject Expr(string syntax, string value) => new() { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = value } };

    private static JsonObject Connect(string source, string port, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    private static WorkflowDefinition Journey() => WorkflowDefinitionJson.FromDocument(new JsonObject
    {
        ["definitionId"] = "fetch",
        ["root"] = new JsonObject
        {
            ["type"] = "Elsa.Flowchart",
            ["activities"] = new JsonArray(
                new JsonObject { ["id"] = "fetch", ["type"] = "Healthcare.FetchPatient", ["patientId"] = Expr("JavaScript", "return input.patient;") },
                new JsonObject
                {
                    ["id"] = "greet", ["type"] = "Elsa.WriteLine",
                    ["text"] = Expr("Liquid", "{{ Outputs.fetch.Patient.firstName }} ({{ Outputs.fetch.Patient.age }}, {{ Outputs.fetch.Patient.language }}): {{ Outputs.fetch.Patient.appointments | size }} appointments"),
                },
                new JsonObject
                {
                    ["id"] = "lab", ["type"] = "Elsa.WriteLine",
                    ["text"] = Expr("JavaScript", "const p = outputs.fetch.Patient; return 'HbA1c high: ' + (p.labs['4548-4'] !== undefined && p.labs['4548-4'].value > 8);"),
                },
                new JsonObject { ["id"] = "missing", ["type"] = "Elsa.WriteLine", ["text"] = Expr("Literal", "no such patient") }),
            ["connections"] = new JsonArray(Connect("fetch", "Found", "greet"), Connect("greet", "Done", "lab"), Connect("fetch", "NotFound", "missing")),
        },
    });

    [Fact]
    public async Task FetchPatient_Found_TemplatesAndScriptsReadTheContext()
    {
        var result = await services.GetRequiredService<WorkflowInvoker>().StartAsync(Journey(), new StartWorkflowOptions { Input = new Dictionary<string, object?> { ["patient"] = "Patient/p1" } });

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["Ana (68, es): 2 appointments", "HbA1c high: true"], Lines);
    }

    [Fact]
    public async Task FetchPatient_Unknown_FollowsNotFound()
    {
        await services.GetRequiredService<WorkflowInvoker>().StartAsync(Journey(), new StartWorkflowOptions { Input = new Dictionary<string, object?> { ["patient"] = "nobody" } });

        Assert.Equal(["no such patient"], Lines);
    }

    [Fact]
    public void Descriptors_ShowTheHealthcareActivitiesWithTheirPorts()
    {
        var registry = services.GetRequiredService<Automation.Engine.Descriptors.ActivityRegistry>();

        Assert.Equal(["Found", "NotFound"], registry.FindDescriptor("Healthcare.FetchPatient")!.Ports.Select(p => p.Name));
        Assert.Equal(["Done", "Failed"], registry.FindDescriptor("Healthcare.FhirSearch")!.Ports.Select(p => p.Name));
        Assert.Equal("Healthcare", registry.FindDescriptor("Healthcare.GetAppointment")!.Category);
    }

    public void Dispose()
    {
        services.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
