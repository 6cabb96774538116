using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Automation.Activities.Fhir.Synthetic;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Language;
using Automation.Activities.Segments.Population;
using Automation.Engine.Audit;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>/api/segments against a server on SQLite with 300 synthetic patients in its data folder and the
/// repository's sample segments as seeds.</summary>
public sealed class SegmentEndpointTests : IAsyncLifetime
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-segments-").FullName;
    private readonly string workflows = Directory.CreateTempSubdirectory("automation-segment-workflows-").FullName;
    private ServerFactory server = null!;
    private PopulationIndex population = null!;

    private static string SamplesFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "workflows", "segments");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("workflows/segments");
        }
    }

    public async Task InitializeAsync()
    {
        var patients = Path.Combine(data, "patients");
        await new SyntheticPopulation().WriteAsync(new SyntheticOptions { PatientCount = 300, Seed = 3, OutputDirectory = patients }, CancellationToken.None);
        population = await PopulationIndex.BuildAsync(patients);
        Directory.CreateDirectory(Path.Combine(workflows, "segments"));
        foreach (var file in Directory.GetFiles(SamplesFolder, "*.json"))
        {
            File.Copy(file, Path.Combine(workflows, "segments", Path.GetFileName(file)));
        }

        server = new ServerFactory(data, workflows, new StringWriter());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static int Expected(string segmentFile, PopulationIndex index)
    {
        var compiler = new SegmentCompiler(id => File.Exists(Path.Combine(SamplesFolder, id + ".json")) ? File.ReadAllText(Path.Combine(SamplesFolder, id + ".json")) : null);
        return index.CountMatches(compiler.Compile(File.ReadAllText(Path.Combine(SamplesFolder, segmentFile))), SegmentClock.From(TimeProvider.System));
    }

    [Fact]
    public async Task List_ShowsTheSeededSegments()
    {
        var client = await server.SignedInClientAsync("operator");

        var list = await client.GetFromJsonAsync<JsonElement>("/api/segments");

        var ids = list.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Contains("diabetic", ids);
        Assert.Contains("at-risk", ids);
        var outreach = list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "diabetes-outreach");
        Assert.Equal(10, outreach.GetProperty("predicateCount").GetInt32());
    }

    [Fact]
    public async Task Put_Invalid_Is400WithTheJsonPath_AndStoresNothing()
    {
        var client = await server.SignedInClientAsync("designer");

        var response = await client.PutAsync("/api/segments/bad", Json("""
            {"id":"bad","rules":{"all":[{"age":{"min":18}},{"gender":"female"},{"condition":{"system":"icd-10-cm","codes":[250]}}]}}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.rules.all[2].condition.codes[0]", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/segments/bad")).StatusCode);
    }

    [Fact]
    public async Task Put_UnknownReferenceOrCycle_Is400()
    {
        var client = await server.SignedInClientAsync("designer");

        var unknown = await client.PutAsync("/api/segments/x", Json("""{"id":"x","rules":{"segment":"ghost"}}"""));
        var cycle = await client.PutAsync("/api/segments/diabetic", Json("""{"id":"diabetic","rules":{"segment":"at-risk"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("$.rules.segment", out _));
        Assert.Equal(HttpStatusCode.BadRequest, cycle.StatusCode);
        Assert.Contains("reference cycle", await cycle.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutGetDelete_RoundTrip_AndReferencedDeleteIsAConflict()
    {
        var client = await server.SignedInClientAsync("designer");
        const string Document = """{"id":"women-50","name":"Women 50+","rules":{"all":[{"gender":"female"},{"age":{"min":50}}]}}""";

        var created = await client.PutAsync("/api/segments/women-50", Json(Document));
        var read = await client.GetStringAsync("/api/segments/women-50");
        var replaced = await client.PutAsync("/api/segments/women-50", Json(Document.Replace("50}", "55}", StringComparison.Ordinal)));
        var referenced = await client.DeleteAsync("/api/segments/diabetic");
        var deleted = await client.DeleteAsync("/api/segments/women-50");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(Document, read);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, referenced.StatusCode);
        Assert.Contains("at-risk", await referenced.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/segments/women-50")).StatusCode);
    }

    [Fact]
    public async Task Put_AsOperator_IsForbidden()
    {
        var client = await server.SignedInClientAsync("operator");

        var response = await client.PutAsync("/api/segments/x", Json("""{"id":"x","rules":{"age":{"min":1}}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Count_EqualsTheIndexCount()
    {
        var client = await server.SignedInClientAsync("operator");

        var age = await (await client.PostAsync("/api/segments/age-50-75/count", null)).Content.ReadFromJsonAsync<JsonElement>();
        var diabetic = await (await client.PostAsync("/api/segments/diabetic/count", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(300, age.GetProperty("population").GetInt32());
        Assert.Equal(Expected("age-50-75.json", population), age.GetProperty("count").GetInt32());
        Assert.Equal(Expected("diabetic.json", population), diabetic.GetProperty("count").GetInt32());
        Assert.InRange(diabetic.GetProperty("count").GetInt32(), 1, 299);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/segments/ghost/count", null)).StatusCode);
    }

    [Fact]
    public async Task Count_PatientsFromAFhirServer_RunsOverThePopulationExport_And409WithoutOne()
    {
        // The FHIR server is never asked: counts run over the NDJSON population, here the export of that server.
        var fhir = new Dictionary<string, string> { ["Fhir:Server:BaseUrl"] = "http://127.0.0.1:9/fhir/" };
        var withExport = Directory.CreateTempSubdirectory("automation-segments-export-").FullName;
        var without = Directory.CreateTempSubdirectory("automation-segments-noexport-").FullName;
        try
        {
            await using (var exported = new ServerFactory(withExport, workflows, new StringWriter(), new Dictionary<string, string>(fhir) { ["Fhir:PopulationExport"] = Path.Combine(data, "patients") }))
            {
                var client = await exported.SignedInClientAsync("operator");
                var count = await (await client.PostAsync("/api/segments/diabetic/count", null)).Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal((300, Expected("diabetic.json", population)), (count.GetProperty("population").GetInt32(), count.GetProperty("count").GetInt32()));
            }

            await using (var none = new ServerFactory(without, workflows, new StringWriter(), fhir))
            {
                var client = await none.SignedInClientAsync("operator");
                Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/segments/diabetic/count", null)).StatusCode);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(withExport, recursive: true);
            Directory.Delete(without, recursive: true);
        }
    }

    [Fact]
    public async Task Preview_ReturnsTheFirstIdsOnly()
    {
        var client = await server.SignedInClientAsync("designer");

        var response = await client.PostAsync("/api/segments/age-50-75/preview?take=3", null);
        var body = await response.Content.ReadAsStringAsync();
        var bad = await client.PostAsync("/api/segments/age-50-75/preview?take=0", null);

        var ids = JsonDocument.Parse(body).RootElement.GetProperty("patientIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        var segment = new SegmentCompiler().Compile(File.ReadAllText(Path.Combine(SamplesFolder, "age-50-75.json")));
        Assert.Equal(population.Preview(segment, SegmentClock.From(TimeProvider.System), 3), ids);
        Assert.DoesNotContain("birthDate", body, StringComparison.Ordinal);
        Assert.DoesNotContain("@", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Explain_DesignerSeesWhichRulesHeld_OperatorIsForbidden()
    {
        var designer = await server.SignedInClientAsync("designer");
        var operatorClient = await server.SignedInClientAsync("operator");
        var patient = population.Patients[0].Id;

        var explanation = await (await designer.PostAsync($"/api/segments/turning-65-not-medicare/explain/{patient}", null)).Content.ReadFromJsonAsync<JsonElement>();
        var forbidden = await operatorClient.PostAsync($"/api/segments/turning-65-not-medicare/explain/{patient}", null);
        var missing = await designer.PostAsync("/api/segments/turning-65-not-medicare/explain/nobody", null);

        var root = explanation.GetProperty("root");
        Assert.Equal(patient, explanation.GetProperty("patientId").GetString());
        Assert.Equal("all", root.GetProperty("kind").GetString());
        Assert.Equal(["$.rules.all[0]", "$.rules.all[1]"], root.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("path").GetString()));
        Assert.Equal(root.GetProperty("held").GetBoolean(), explanation.GetProperty("matched").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ExplainAndEdits_AreAudited_WithTheHashedPatientIdOnly()
    {
        var audit = new RecordingAuditLog();
        var hasher = new PatientIdHasher(new byte[32]);
        await using var audited = server.WithWebHostBuilder(b => b.ConfigureServices(services =>
        {
            services.AddSingleton<IAuditLog>(audit);
            services.AddSingleton(hasher);
        }));
        var client = audited.CreateClient();
        var token = await ServerFactory.SignInAsync(client, ServerFactory.AdminEmail, ServerFactory.AdminPassword);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var patient = population.Patients[0].Id;

        var explained = await client.PostAsync($"/api/segments/age-50-75/explain/{patient}", null);
        Assert.True(explained.IsSuccessStatusCode, $"{explained.StatusCode}: {await explained.Content.ReadAsStringAsync()}");
        (await client.PutAsync("/api/segments/audited", Json("""{"id":"audited","rules":{"age":{"min":1}}}"""))).EnsureSuccessStatusCode();

        var explain = Assert.Single(audit.Entries, e => e.Action == "segment.explain");
        Assert.Equal(hasher.Hash(patient), explain.PatientHash);
        Assert.Equal("age-50-75", explain.Details!["segmentId"]);
        Assert.DoesNotContain(patient, JsonSerializer.Serialize(audit.Entries), StringComparison.Ordinal);
        var edit = Assert.Single(audit.Entries, e => e.Action == AuditActions.ConfigurationChange);
        Assert.Equal(("created", "audited"), (edit.Result, edit.Details!["segmentId"]));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
        Directory.Delete(workflows, recursive: true);
    }
}
