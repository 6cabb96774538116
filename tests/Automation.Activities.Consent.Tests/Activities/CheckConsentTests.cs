using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Consent.Tests.Support;
using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Audit;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.Consent.Tests.Activities;

/// <summary>CheckConsent inside a journey: outcomes, evidence, audit without PHI, and opt-outs seen at the next check.</summary>
public sealed class CheckConsentTests : IDisposable
{
    private static readonly byte[] HashKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly string folder = Directory.CreateTempSubdirectory("automation-check-consent-").FullName;
    private readonly StringWriter console = new();
    private readonly RecordingAuditLog audit = new();
    private readonly FakeTimeProvider clock = new(Consents.Now);
    private readonly ServiceProvider services;

    public CheckConsentTests()
    {
        var store = ConsentRecordStoreFactory.Create("sqlite", $"Data Source={Path.Combine(folder, "consent.db")}");
        store.MigrateAsync().GetAwaiter().GetResult();
        services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(new WorkflowConsole(console))
            .AddSingleton<IAuditLog>(audit)
            .AddSingleton(new PatientIdHasher(HashKey))
            .AddSingleton<IPatientDataSource>(new FakePatients(Patient("p1", Consents.Fact("mkt-1", version: "4", signedDaysAgo: 10)), Patient("p2")))
            .AddSingleton(new Automation.Engine.Descriptors.ActivityAssembly(typeof(Automation.Activities.Fhir.Activities.FetchPatient).Assembly))
            .AddConsent(_ => store)
            .AddAutomationEngine()
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string[] Lines => console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static PatientContext Patient(string id, params ConsentFact[] consents) => new()
    {
        Id = id, FirstName = "Ana", LastName = "Secret-Surname", Email = "ana.secret@example.org", Consents = consents,
    };

    private static JsonObject Expr(string syntax, string value) => new() { ["typeName"] = "Object", ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = value } };

    private static JsonObject Connect(string source, string port, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    private static JsonObject Say(string id, string script) => new() { ["id"] = id, ["type"] = "Elsa.WriteLine", ["text"] = Expr("JavaScript", script) };

    private static JsonObject Check(string id, string? patientScript, string purpose = "marketing") => new()
    {
        ["id"] = id, ["type"] = "Healthcare.CheckConsent",
        ["patient"] = patientScript is null ? null : Expr("JavaScript", patientScript),
        ["patientId"] = Expr("JavaScript", "return input.patient;"),
        ["purpose"] = Expr("Literal", purpose),
        ["channel"] = Expr("Literal", "email"),
    };

    /// <summary>fetch -> check -> say granted/denied with the evidence; optionally wait for an event and check again.</summary>
    private static WorkflowDefinition Journey(bool useContext, bool checkTwice = false, string purpose = "marketing")
    {
        var activities = new JsonArray(
            new JsonObject { ["id"] = "fetch", ["type"] = "Healthcare.FetchPatient", ["patientId"] = Expr("JavaScript", "return input.patient;") },
            Check("check", useContext ? "return outputs.fetch.Patient;" : null, purpose),
            Say("granted", "const e = outputs.check.Evidence; return 'Granted ' + e.rule + ' ' + e.source + ' ' + e.id + ' v' + e.version;"),
            Say("denied", "const e = outputs.check.Evidence; return 'Denied ' + e.rule + ' ' + e.source + ' ' + e.id;"));
        var connections = new JsonArray(Connect("fetch", "Found", "check"), Connect("check", "Denied", "denied"));
        if (checkTwice)
        {
            activities.Add(new JsonObject { ["id"] = "wait", ["type"] = "Elsa.Event", ["eventName"] = Expr("Literal", "later") });
            activities.Add(Check("again", "return outputs.fetch.Patient;"));
            activities.Add(Say("again-granted", "return 'Granted again';"));
            activities.Add(Say("again-denied", "return 'Denied again ' + outputs.again.Evidence.rule;"));
            connections.Add(Connect("check", "Granted", "granted"));
            connections.Add(Connect("granted", "Done", "wait"));
            connections.Add(Connect("wait", "Done", "again"));
            connections.Add(Connect("again", "Granted", "again-granted"));
            connections.Add(Connect("again", "Denied", "again-denied"));
        }
        else
        {
            connections.Add(Connect("check", "Granted", "granted"));
        }

        return WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = "consent-journey",
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["activities"] = activities, ["connections"] = connections },
        });
    }

    private Task<WorkflowRunResult> RunAsync(WorkflowDefinition definition, string patient) =>
        services.GetRequiredService<WorkflowInvoker>().StartAsync(definition, new StartWorkflowOptions { Input = new Dictionary<string, object?> { ["patient"] = patient } }).AsTask();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CheckConsent_MarketingPermit_FollowsGrantedWithConsentEvidence(bool useContext)
    {
        var result = await RunAsync(Journey(useContext), "p1");

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["Granted fhir-permit fhir-consent mkt-1 v4"], Lines);
    }

    [Fact]
    public async Task CheckConsent_NoConsent_FollowsDenied()
    {
        await RunAsync(Journey(useContext: true), "p2");

        Assert.Equal(["Denied no-consent null null"], Lines);
    }

    [Fact]
    public async Task CheckConsent_TreatmentWithoutTreatmentConsent_Denied()
    {
        await RunAsync(Journey(useContext: true, purpose: "treatment"), "p1");

        Assert.Equal(["Denied no-consent null null"], Lines);
    }

    [Fact]
    public async Task CheckConsent_WritesAuditWithHashedPatientAndEvidenceButNoPhi()
    {
        var result = await RunAsync(Journey(useContext: true), "p1");

        var entry = Assert.Single(audit.Entries);
        Assert.Equal(AuditActions.ConsentCheck, entry.Action);
        Assert.Equal("granted", entry.Result);
        Assert.Equal("workflow:consent-journey", entry.Actor);
        Assert.Equal(result.InstanceId, entry.InstanceId);
        Assert.Equal(new PatientIdHasher(HashKey).Hash("p1"), entry.PatientHash);
        Assert.Equal("mkt-1", entry.Details!["evidenceId"]);
        Assert.Equal("4", entry.Details["evidenceVersion"]);
        Assert.Equal("fhir-permit", entry.Details["rule"]);
        var json = JsonSerializer.Serialize(entry);
        Assert.DoesNotContain("p1", json.Replace(entry.PatientHash!, "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("ana", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Secret", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConsent_OptOutWhileJourneyWaits_NextCheckDenied()
    {
        var definition = Journey(useContext: true, checkTwice: true);
        var started = await RunAsync(definition, "p1");
        Assert.Equal(WorkflowStatus.Suspended, started.Status);

        clock.Advance(TimeSpan.FromMinutes(5));
        var record = await services.GetRequiredService<ConsentRegistry>().RecordAsync("Patient/p1", ConsentPurposes.Marketing, ConsentChannels.Email,
            ConsentRecordKind.OptOut, ConsentSources.UnsubscribeLink, "patient");
        clock.Advance(TimeSpan.FromMinutes(5));
        var resumed = await services.GetRequiredService<WorkflowInvoker>().ResumeAsync(definition, started.State, started.NewBookmarks.Single(), null);

        Assert.Equal(WorkflowStatus.Finished, resumed.Status);
        Assert.Equal(["Granted fhir-permit fhir-consent mkt-1 v4", "Denied again opt-out-record"], Lines);
        Assert.Equal(["consent.check", "consent.recorded", "consent.check"], audit.Entries.Select(e => e.Action));
        Assert.Equal(record.RecordId, audit.Entries[2].Details!["evidenceId"]);
    }

    [Fact]
    public async Task CheckConsent_NeitherPatientNorId_Faults()
    {
        var definition = WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = "no-patient",
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["activities"] = new JsonArray(new JsonObject { ["id"] = "check", ["type"] = "Healthcare.CheckConsent" }), ["connections"] = new JsonArray() },
        });

        var result = await services.GetRequiredService<WorkflowInvoker>().StartAsync(definition);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains("Patient", result.State.Incidents.Single().Message, StringComparison.Ordinal);
        Assert.Empty(audit.Entries);
    }
}
