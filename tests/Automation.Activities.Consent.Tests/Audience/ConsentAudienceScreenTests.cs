using System.Text.Json.Nodes;
using Automation.Activities.Consent.Audience;
using Automation.Activities.Consent.Records;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Consent.Tests.Support;
using Automation.Activities.Fhir.Patients;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Audience;
using Automation.Engine.Audit;
using Automation.Engine.Definitions;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Task = System.Threading.Tasks.Task;

namespace Automation.Activities.Consent.Tests.Audience;

/// <summary>
/// The consent screen of audience entry: patients without consent for the journey's purpose never get an instance,
/// and each is audited as a consent check; it screens only when that cannot change what the journey does.
/// </summary>
public sealed class ConsentAudienceScreenTests : IDisposable
{
    private static readonly byte[] HashKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly string folder = Directory.CreateTempSubdirectory("automation-consent-screen-").FullName;
    private readonly RecordingAuditLog audit = new();
    private readonly PatientIdHasher hasher = new(HashKey);
    private readonly IConsentRecordStore store;
    private readonly ConsentRegistry registry;

    public ConsentAudienceScreenTests()
    {
        store = ConsentRecordStoreFactory.Create("sqlite", $"Data Source={Path.Combine(folder, "consent.db")}");
        store.MigrateAsync().GetAwaiter().GetResult();
        registry = new ConsentRegistry(store, new FakeTimeProvider(Consents.Now), audit, hasher);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Members_WithoutConsent_AreExcludedAndAudited_OthersEnter()
    {
        await store.AddAsync(Consents.Record("opt-in-1", ConsentRecordKind.OptIn, daysAgo: 3, patient: "p1"));
        await store.AddAsync(Consents.Record("opt-out-4", ConsentRecordKind.OptOut, daysAgo: 1, patient: "p4"));
        var screen = new ConsentAudienceScreen(registry, new ConsentSource(("p3", MarketingPermit("c3")), ("p4", MarketingPermit("c4"))), audit, hasher);
        var journey = Journey(denied: null);

        var excluded = await screen.ExcludeAsync(journey, null, [Member("p1"), Member("p2"), Member("p3"), Member("p4"), new AudienceMember("appt-9", new Dictionary<string, object?>())], default);

        // p1 opted in, p3 has a FHIR marketing permit; p2 has nothing; p4's opt-out is newer than its permit.
        // The appointment member has no patient id: the journey checks it.
        Assert.Equal(["p2", "p4"], excluded.Order(StringComparer.Ordinal));
        var checks = audit.Entries.Where(e => e.Action == AuditActions.ConsentCheck).ToList();
        Assert.Equal(new[] { hasher.Hash("p2"), hasher.Hash("p4") }.Order(StringComparer.Ordinal), checks.Select(c => c.PatientHash).Order(StringComparer.Ordinal));
        Assert.All(checks, c =>
        {
            Assert.Equal("denied", c.Result);
            Assert.Equal("workflow:screened", c.Actor);
            Assert.Equal("audience", c.Details!["stage"]);
            Assert.Equal("marketing", c.Details["purpose"]);
            Assert.Equal("consent", c.Details["activityId"]);
        });
        Assert.Contains(checks, c => c.Details!["rule"] == ConsentRules.NoConsent);
        Assert.Contains(checks, c => c.Details!["rule"] == ConsentRules.OptOutRecord);
        Assert.DoesNotContain(checks.SelectMany(c => c.Details!.Values), v => v is "p2" or "p4"); // ids only as keyed hashes
    }

    [Theory]
    [InlineData("branch-first")]
    [InlineData("denied-goes-on")]
    [InlineData("purpose-expression")]
    [InlineData("no-check")]
    public async Task Journeys_WhereScreeningCouldChangeWhatHappens_AreNotScreened(string shape)
    {
        var screen = new ConsentAudienceScreen(registry, new ConsentSource(), audit, hasher);
        var journey = shape switch
        {
            "branch-first" => Journey(denied: null, branchBeforeCheck: true),
            "denied-goes-on" => Journey(denied: "Elsa.WriteLine"),
            "purpose-expression" => Journey(denied: null, purpose: new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "return 'marketing';" } }),
            _ => Journey(denied: null, withCheck: false),
        };

        var excluded = await screen.ExcludeAsync(journey, null, [Member("p2")], default);

        Assert.Empty(excluded);
        Assert.Empty(audit.Entries);
    }

    [Fact]
    public void ScreeningCheck_ReadsThePurposeAndChannel_AndStartsAtTheTriggerWhenGiven()
    {
        var journey = Journey(denied: "Elsa.End", purpose: new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "treatment" } });

        Assert.Equal(("consent", "treatment", "email"), ConsentAudienceScreen.ScreeningCheck(journey.Root, null));
        Assert.Equal(("consent", "treatment", "email"), ConsentAudienceScreen.ScreeningCheck(journey.Root, "fetch"));
        Assert.Null(ConsentAudienceScreen.ScreeningCheck(journey.Root, "send"));
    }

    private static AudienceMember Member(string patientId) => new(patientId, new Dictionary<string, object?> { ["patientId"] = patientId });

    private static Hl7.Fhir.Model.Consent MarketingPermit(string id) => new()
    {
        Id = id,
        Status = Hl7.Fhir.Model.Consent.ConsentState.Active,
        DateTime = "2026-01-05T00:00:00Z",
        Provision = new Hl7.Fhir.Model.Consent.provisionComponent
        {
            Type = Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit,
            Purpose = [new Hl7.Fhir.Model.Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HMARKT")],
        },
    };

    /// <summary>start -> fetch -> consent (Granted -> send; Denied -> the given activity or nowhere).</summary>
    private static WorkflowDefinition Journey(string? denied, bool branchBeforeCheck = false, bool withCheck = true, JsonObject? purpose = null)
    {
        var activities = new JsonArray(
            new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start" },
            new JsonObject { ["id"] = "fetch", ["type"] = "Healthcare.FetchPatient" },
            new JsonObject { ["id"] = "send", ["type"] = "Healthcare.SecureSend" });
        var connections = new JsonArray(Connect("start", "Done", "fetch"));
        if (branchBeforeCheck)
        {
            connections.Add(Connect("start", "Done", "send"));
        }

        if (withCheck)
        {
            activities.Add(new JsonObject
            {
                ["id"] = "consent", ["type"] = "Healthcare.CheckConsent",
                ["purpose"] = purpose ?? new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "marketing" } },
            });
            connections.Add(Connect("fetch", "Found", "consent"));
            connections.Add(Connect("consent", "Granted", "send"));
            if (denied is not null)
            {
                activities.Add(new JsonObject { ["id"] = "after-denied", ["type"] = denied });
                connections.Add(Connect("consent", "Denied", "after-denied"));
            }
        }
        else
        {
            connections.Add(Connect("fetch", "Found", "send"));
        }

        return WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = "screened",
            ["version"] = 1,
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["activities"] = activities, ["connections"] = connections },
        });
    }

    private static JsonObject Connect(string source, string port, string target) => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
    };

    /// <summary>Serves FHIR Consent resources by patient, as the NDJSON source or a FHIR server would.</summary>
    private sealed class ConsentSource(params (string Patient, Hl7.Fhir.Model.Consent Consent)[] consents) : IPatientDataSource
    {
        public Task<PatientContext?> GetPatientContextAsync(string patient, CancellationToken cancellationToken = default) => throw new NotSupportedException("the screen reads consents only");

        public Task<Resource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken = default) => throw new NotSupportedException("the screen reads consents only");

        public Task<IReadOnlyList<Resource>> SearchAsync(string resourceType, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
        {
            Assert.Equal("Consent", resourceType);
            return Task.FromResult<IReadOnlyList<Resource>>([.. consents.Where(c => c.Patient == parameters["patient"]).Select(c => (Resource)c.Consent)]);
        }
    }
}
