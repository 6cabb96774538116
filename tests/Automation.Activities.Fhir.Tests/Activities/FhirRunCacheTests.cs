using System.Text.Json.Nodes;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.Fhir.Tests.Support;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.Fhir.Tests.Activities;

/// <summary>The per-run cache: a run reading the same patient or appointment twice asks the FHIR server once.</summary>
public sealed class FhirRunCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private FhirTestServer server = null!;
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        server = await FhirTestServer.StartAsync(TestPatients.All());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Fhir:Server:BaseUrl"] = server.BaseUrl.ToString() }).Build();
        services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(new WorkflowConsole(new StringWriter()))
            .AddFhirPatientData(configuration, "unused")
            .AddAutomationEngine()
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
    }

    private static JsonObject Literal(string value) => new() { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } };

    // fetch p1 and appointment a1, `times` times each, in one run.
    private static WorkflowDefinition Journey(int times)
    {
        var activities = new JsonArray();
        var connections = new JsonArray();
        for (var i = 0; i < times; i++)
        {
            activities.Add(new JsonObject { ["id"] = "fetch" + i, ["type"] = "Healthcare.FetchPatient", ["patientId"] = Literal(i % 2 == 0 ? "Patient/p1" : "p1") });
            activities.Add(new JsonObject { ["id"] = "appointment" + i, ["type"] = "Healthcare.GetAppointment", ["appointmentId"] = Literal("a1") });
            connections.Add(Connect("fetch" + i, "Found", "appointment" + i));
            if (i > 0)
            {
                connections.Add(Connect("appointment" + (i - 1), "Found", "fetch" + i));
            }
        }

        return WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = "reads-" + times,
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["activities"] = activities, ["connections"] = connections },
        });
    }

    private static JsonObject Connect(string source, string port, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    private async Task<int> RequestsForAsync(WorkflowDefinition journey)
    {
        var before = server.Requests;
        var result = await services.GetRequiredService<WorkflowInvoker>().StartAsync(journey);
        Assert.Equal(WorkflowStatus.Finished, result.Status);
        return server.Requests - before;
    }

    [Fact]
    public async Task OneRun_ReadingThePatientAndAppointmentThreeTimes_CostsWhatOneReadCosts()
    {
        var once = await RequestsForAsync(Journey(1));
        var thrice = await RequestsForAsync(Journey(3));

        Assert.True(once > 0);
        Assert.Equal(once, thrice);
    }

    [Fact]
    public async Task AnotherRun_ReadsAgain()
    {
        var first = await RequestsForAsync(Journey(1));
        var second = await RequestsForAsync(Journey(1));

        Assert.Equal(first, second);
        Assert.True(second > 0);
    }

    [Fact]
    public async Task GetOrLoadAsync_AfterTheRunLifetime_LoadsAgain_AndFailuresAreNotKept()
    {
        var cache = new FhirRunCache(clock);
        var loads = 0;
        Task<string?> Load() => Task.FromResult<string?>("read " + ++loads);

        Assert.Equal("read 1", await cache.GetOrLoadAsync("run", "Patient/p1", Load));
        Assert.Equal("read 1", await cache.GetOrLoadAsync("run", "Patient/p1", Load));
        Assert.Equal("read 2", await cache.GetOrLoadAsync("other-run", "Patient/p1", Load));
        clock.Advance(FhirRunCache.RunLifetime);
        Assert.Equal("read 3", await cache.GetOrLoadAsync("run", "Patient/p1", Load));
        await Assert.ThrowsAsync<FhirSourceException>(() => cache.GetOrLoadAsync<string>("run", "Patient/p2", () => throw new FhirSourceException("down")));
        Assert.Equal("read 4", await cache.GetOrLoadAsync("run", "Patient/p2", Load));
    }
}
