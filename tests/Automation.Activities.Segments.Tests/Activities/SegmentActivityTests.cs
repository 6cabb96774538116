using System.Text.Json.Nodes;
using Automation.Activities.Fhir;
using Automation.Activities.Segments.Facts;
using Automation.Activities.Segments.Repository;
using Automation.Activities.Segments.Tests.Population;
using Automation.Activities.Segments.Tests.Repository;
using Automation.Activities.Segments.Tests.Support;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.Segments.Tests.Activities;

/// <summary>EvaluateSegment and ChooseSegment run inside real workflows over the synthetic population.</summary>
public sealed class SegmentActivityTests : IClassFixture<PopulationFixture>, IAsyncLifetime, IDisposable
{
    private readonly PopulationFixture population;
    private readonly SqliteSegmentStoreFixture database = new();
    private readonly StringWriter console = new();
    private readonly ServiceProvider services;

    public SegmentActivityTests(PopulationFixture population)
    {
        this.population = population;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Fhir:Directory"] = population.Directory }).Build();
        services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(TestSegments.Now))
            .AddSingleton(new WorkflowConsole(console))
            .AddFhirPatientData(configuration, "unused")
            .AddSegments(database.Provider, database.ConnectionString)
            .AddAutomationEngine()
            .BuildServiceProvider();
    }

    public async Task InitializeAsync() => await services.GetRequiredService<SegmentRepository>().InitializeAsync(TestSegments.Folder);

    public Task DisposeAsync() => Task.CompletedTask;

    private string[] Lines => console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static JsonObject Expr(string syntax, string value, string typeName = "String") => new() { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = value } };

    private static JsonObject Connect(string source, string port, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    private static JsonObject Print(string id, string text) => new() { ["id"] = id, ["type"] = "Elsa.WriteLine", ["text"] = Expr("Literal", text) };

    private static WorkflowDefinition Flow(JsonArray activities, JsonArray connections) => WorkflowDefinitionJson.FromDocument(new JsonObject
    {
        ["definitionId"] = "segments-" + Guid.NewGuid().ToString("N"),
        ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["activities"] = activities, ["connections"] = connections },
    });

    private async Task<WorkflowRunResult> RunAsync(WorkflowDefinition definition, string patient) =>
        await services.GetRequiredService<WorkflowInvoker>().StartAsync(definition, new StartWorkflowOptions { Input = new Dictionary<string, object?> { ["patient"] = patient } });

    private string PatientWhere(Func<PatientFacts, bool> predicate) => population.Index.Patients.First(predicate).Id;

    private static bool AgeBetween(PatientFacts p, int min, int max) =>
        p.BirthDay != PatientFacts.Unknown && TestSegments.Rules($$$"""{"age":{"min":{{{min}}},"max":{{{max}}}}}""").Matches(p, TestSegments.Clock);

    private static WorkflowDefinition EvaluateById(string segment, string matched = "Matched", string notMatched = "NotMatched") => Flow(
        [
            new JsonObject { ["id"] = "eval", ["type"] = "Healthcare.EvaluateSegment", ["segment"] = Expr("Literal", segment), ["patient"] = Expr("JavaScript", "return input.patient;", "Object") },
            Print("in", "in"), Print("out", "out"),
        ],
        [Connect("eval", matched, "in"), Connect("eval", notMatched, "out")]);

    [Fact]
    public async Task EvaluateSegment_ById_WithAPatientId_FollowsMatchedOrNotMatched()
    {
        await RunAsync(EvaluateById("age-50-75"), PatientWhere(p => AgeBetween(p, 50, 75)));
        await RunAsync(EvaluateById("age-50-75"), "Patient/" + PatientWhere(p => AgeBetween(p, 20, 40)));

        Assert.Equal(["in", "out"], Lines);
    }

    [Fact]
    public async Task EvaluateSegment_DefinitionSavedWithTheFormerInOutPorts_StillValidatesAndFollowsThem()
    {
        var definition = EvaluateById("age-50-75", matched: "In", notMatched: "Out");

        Assert.Empty(services.GetRequiredService<WorkflowCompiler>().Validate(definition));
        await RunAsync(definition, PatientWhere(p => AgeBetween(p, 50, 75)));
        await RunAsync(definition, PatientWhere(p => AgeBetween(p, 20, 40)));

        Assert.Equal(["in", "out"], Lines);
    }

    [Fact]
    public async Task EvaluateSegment_InlineRules_OnFetchPatientsOutput_WithExplanation()
    {
        var definition = Flow(
            [
                new JsonObject { ["id"] = "fetch", ["type"] = "Healthcare.FetchPatient", ["patientId"] = Expr("JavaScript", "return input.patient;") },
                new JsonObject
                {
                    ["id"] = "eval", ["type"] = "Healthcare.EvaluateSegment",
                    ["rules"] = Expr("Object", """{"all":[{"age":{"min":66}},{"coverage":["medicare"]}]}""", "Object"),
                    ["patient"] = Expr("JavaScript", "return outputs.fetch.Patient;", "Object"),
                    ["explain"] = Expr("Literal", "true", "Boolean"),
                },
                new JsonObject { ["id"] = "why", ["type"] = "Elsa.WriteLine", ["text"] = Expr("JavaScript", "const e = outputs.eval.Explanation; return e.matched + ' ' + e.root.children.map(c => c.path + '=' + c.held).join(',');") },
            ],
            [Connect("fetch", "Found", "eval"), Connect("eval", "Matched", "why"), Connect("eval", "NotMatched", "why")]);
        var senior = population.Index.Patients.First(p => TestSegments.Rules("""{"all":[{"age":{"min":66}},{"coverage":["medicare"]}]}""").Matches(p, TestSegments.Clock)).Id;

        var result = await RunAsync(definition, senior);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["true $.rules.all[0]=true,$.rules.all[1]=true"], Lines);
    }

    [Fact]
    public async Task ChooseSegment_FollowsTheFirstMatchingSegment_OrNone()
    {
        var definition = Flow(
            [
                new JsonObject { ["id"] = "choose", ["type"] = "Healthcare.ChooseSegment", ["segments"] = Expr("Object", """["turning-65-not-medicare","age-50-75"]""", "Object"), ["patient"] = Expr("JavaScript", "return input.patient;", "Object") },
                Print("t65", "turning 65"), Print("band", "50-75"), Print("none", "none"),
            ],
            [Connect("choose", "turning-65-not-medicare", "t65"), Connect("choose", "age-50-75", "band"), Connect("choose", "None", "none")]);
        var turning65 = TestSegments.FolderCompiler().Compile(File.ReadAllText(Path.Combine(TestSegments.Folder, "turning-65-not-medicare.json")));

        await RunAsync(definition, PatientWhere(p => turning65.Matches(p, TestSegments.Clock)));   // 64 and in 50-75 too: the first wins
        await RunAsync(definition, PatientWhere(p => AgeBetween(p, 70, 75)));
        await RunAsync(definition, PatientWhere(p => AgeBetween(p, 1, 30)));

        Assert.Equal(["turning 65", "50-75", "none"], Lines);
    }

    [Fact]
    public void Publish_UnknownSegmentIds_AndInvalidInlineRules_AreValidationProblems()
    {
        var definition = Flow(
            [
                new JsonObject { ["id"] = "eval", ["type"] = "Healthcare.EvaluateSegment", ["segment"] = Expr("Literal", "no-such-segment"), ["patient"] = Expr("Literal", "p1") },
                new JsonObject { ["id"] = "inline", ["type"] = "Healthcare.EvaluateSegment", ["rules"] = Expr("Object", """{"any":[{"age":{"min":1}},{"condition":{"system":"icd-9","codes":["250"]}}]}""", "Object"), ["patient"] = Expr("Literal", "p1") },
                new JsonObject { ["id"] = "choose", ["type"] = "Healthcare.ChooseSegment", ["segments"] = Expr("Object", """["diabetic","ghost"]""", "Object"), ["patient"] = Expr("Literal", "p1") },
            ],
            []);

        var problems = services.GetRequiredService<WorkflowCompiler>().Validate(definition);

        Assert.Contains(problems, p => p.ActivityId == "eval" && p.Message.Contains("unknown segment 'no-such-segment'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.ActivityId == "inline" && p.Message.Contains("$.rules.any[1].condition.system", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.ActivityId == "choose" && p.Message.Contains("unknown segment 'ghost'", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Message.Contains("'diabetic'", StringComparison.Ordinal));
    }

    [Fact]
    public void Publish_ChooseSegmentPorts_AreTheSegmentIds()
    {
        var definition = Flow(
            [
                new JsonObject { ["id"] = "choose", ["type"] = "Healthcare.ChooseSegment", ["segments"] = Expr("Object", """["diabetic"]""", "Object"), ["patient"] = Expr("Literal", "p1") },
                Print("a", "a"),
            ],
            [Connect("choose", "at-risk", "a")]);

        var problem = Assert.Single(services.GetRequiredService<WorkflowCompiler>().Validate(definition));

        Assert.Contains("port 'at-risk'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateSegment_UnknownPatient_Faults()
    {
        var result = await RunAsync(EvaluateById("age-50-75"), "nobody");

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains("no such patient", Assert.Single(result.State.Incidents).Message, StringComparison.Ordinal);
        Assert.Empty(Lines);
    }

    public void Dispose()
    {
        services.Dispose();
        database.Dispose();
    }
}
