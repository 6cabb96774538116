using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Activities.Consent.Registry;
using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Audit;
using Automation.Engine.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Server.Tests;

/// <summary>
/// The public tracking, unsubscribe and preference endpoints through the real server: unsubscribe end to end (link,
/// POST, the next CheckConsent denied), token tampering, open-redirect attempts, the pixel's no-oracle rule, the
/// preference page, and a human open resuming a journey waiting in WaitForEngagement.
/// </summary>
public sealed class EngagementEndpointTests : IAsyncLifetime
{
    private const string PublicBase = "https://engage.test";
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    private const string Booking = "https://clinic.example.org/book?campaign=flu&slot=3";

    private const string ConsentJourney = """
        {"definitionId":"marketing-check","name":"Marketing check","root":{"type":"Elsa.Flowchart","activities":[
          {"id":"fetch","type":"Healthcare.FetchPatient","patientId":{"typeName":"String","expression":{"type":"JavaScript","value":"return input.patient;"}}},
          {"id":"check","type":"Healthcare.CheckConsent",
           "patient":{"typeName":"Object","expression":{"type":"JavaScript","value":"return outputs.fetch.Patient;"}},
           "purpose":{"typeName":"String","expression":{"type":"Literal","value":"marketing"}},
           "channel":{"typeName":"String","expression":{"type":"Literal","value":"email"}}},
          {"id":"yes","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"JavaScript","value":"return 'Granted ' + outputs.check.Evidence.rule;"}}},
          {"id":"no","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"JavaScript","value":"return 'Denied ' + outputs.check.Evidence.rule;"}}}],
         "connections":[{"source":{"activity":"fetch","port":"Found"},"target":{"activity":"check","port":"In"}},
                        {"source":{"activity":"check","port":"Granted"},"target":{"activity":"yes","port":"In"}},
                        {"source":{"activity":"check","port":"Denied"},"target":{"activity":"no","port":"In"}}]}}
        """;

    private const string WaitJourney = """
        {"definitionId":"wait-open","name":"Wait for open","root":{"type":"Elsa.Flowchart","activities":[
          {"id":"wait","type":"Healthcare.WaitForEngagement",
           "messageId":{"typeName":"String","expression":{"type":"JavaScript","value":"return input.message;"}},
           "waitFor":{"typeName":"String","expression":{"type":"Literal","value":"open"}},
           "timeout":{"typeName":"TimeSpan","expression":{"type":"Literal","value":"2.00:00:00"}}},
          {"id":"opened","type":"Elsa.WriteLine","text":{"typeName":"String","expression":{"type":"Literal","value":"opened"}}}],
         "connections":[{"source":{"activity":"wait","port":"Opened"},"target":{"activity":"opened","port":"In"}}]}}
        """;

    private const string Patient = """{"resourceType":"Patient","id":"p1","name":[{"family":"Secretname","given":["Ana"]}],"telecom":[{"system":"email","value":"ana.secret@example.org"}],"birthDate":"1980-02-03"}""";

    private readonly string data = Directory.CreateTempSubdirectory("automation-engagement-").FullName;
    private readonly StringWriter console = new();
    private readonly byte[] tokenKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly byte[] hashKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly RecordingAuditLog audit = new();
    private ServerFactory baseFactory = null!;
    private WebApplicationFactory<Program> server = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var workflows = Directory.CreateDirectory(Path.Combine(data, "workflows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workflows, "marketing-check.json"), ConsentJourney);
        await File.WriteAllTextAsync(Path.Combine(workflows, "wait-open.json"), WaitJourney);
        var patients = Directory.CreateDirectory(Path.Combine(data, "fhir")).FullName;
        await File.WriteAllTextAsync(Path.Combine(patients, "Patient.ndjson"), Patient + "\n");
        await File.WriteAllTextAsync(Path.Combine(patients, "Consent.ndjson"), Consent("c-mkt", "HMARKT") + "\n" + Consent("c-treat", "TREAT") + "\n");
        baseFactory = new ServerFactory(data, workflows, console, new Dictionary<string, string>
        {
            ["Fhir:Directory"] = patients,
            ["Automation:PublicBaseUrl"] = PublicBase,

            // The server runs on the real clock here; scanner prefetch timing is covered by the classifier tests.
            ["Automation:Tracking:PrefetchWindow"] = "00:00:00",
        });
        server = baseFactory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.AddSingleton(new SignedTokens(tokenKey, TimeProvider.System));
            services.AddSingleton(new PatientIdHasher(hashKey));
            services.AddSingleton<IAuditLog>(audit);
        }));
        client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Chrome);
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
        await baseFactory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    private static string Consent(string id, string purpose) => $$$"""
        {"resourceType":"Consent","id":"{{{id}}}","meta":{"versionId":"2"},"status":"active",
         "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
         "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],"patient":{"reference":"Patient/p1"},"dateTime":"2026-01-05T10:00:00Z",
         "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
         "provision":{"type":"permit","period":{"start":"2026-01-05T10:00:00Z"},
          "extension":[{"url":"https://automation.example.org/fhir/StructureDefinition/consent-channel","valueCoding":{"system":"http://hl7.org/fhir/contact-point-system","code":"email"}}],
          "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"{{{purpose}}}"}]}}
        """.ReplaceLineEndings("");

    /// <summary>Instruments a marketing message for p1 as secure send would, and returns its links as local paths.</summary>
    private async Task<(string Click, string Pixel, string Unsubscribe, string Preferences)> SendAsync(string messageId)
    {
        var instrumentation = server.Services.GetRequiredService<IMessageInstrumentation>();
        var result = await instrumentation.InstrumentAsync(new TrackedMessage(messageId, "p1", "", "flu", "marketing", true,
            $"<html><body><a href=\"{Booking.Replace("&", "&amp;", StringComparison.Ordinal)}\">Book</a></body></html>", null));
        string Find(string prefix) => Regex.Match(result.Html, "(?:href|src)=\"" + Regex.Escape(PublicBase + prefix) + "([^\"]+)\"").Groups[1].Value is { Length: > 0 } token
            ? prefix + token : throw new InvalidOperationException("no link " + prefix);
        Assert.Equal(PublicBase + Find("/u/"), result.UnsubscribeUrl!.AbsoluteUri);
        return (Find("/t/c/"), Find("/t/o/"), Find("/u/"), Find("/p/"));
    }

    private async Task<string> RunConsentJourneyAsync()
    {
        using var admin = await AdminAsync();
        var lines = console.ToString().Length;
        var response = await admin.PostAsJsonAsync("/api/workflows/marketing-check/execute", new { input = new { patient = "p1" } });
        response.EnsureSuccessStatusCode();
        return console.ToString()[lines..].Trim();
    }

    private async Task<HttpClient> AdminAsync()
    {
        var admin = server.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", await ServerFactory.SignInAsync(admin, ServerFactory.AdminEmail, ServerFactory.AdminPassword));
        return admin;
    }

    private ITrackingStore Tracking => server.Services.GetRequiredService<ITrackingStore>();

    [Fact]
    public async Task Unsubscribe_LinkThenPost_NextCheckConsentDenied()
    {
        Assert.Equal("Granted fhir-permit", await RunConsentJourneyAsync());
        var links = await SendAsync("msg-unsub");

        var page = await client.GetAsync(links.Unsubscribe);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<form method=\"post\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Ana", html, StringComparison.Ordinal);
        Assert.DoesNotContain("p1", html, StringComparison.Ordinal);
        Assert.Equal("Granted fhir-permit", await RunConsentJourneyAsync());

        var posted = await client.PostAsync(links.Unsubscribe, new StringContent("List-Unsubscribe=One-Click", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("Denied opt-out-record", await RunConsentJourneyAsync());
        var recorded = Assert.Single(audit.Entries, e => e.Action == AuditActions.ConsentRecorded);
        Assert.Equal(("opt-out", "msg-unsub", new PatientIdHasher(hashKey).Hash("p1"), "unsubscribe-link"), (recorded.Result, recorded.MessageId, recorded.PatientHash, recorded.Details!["source"]));
        Assert.Equal(["granted", "granted", "denied"], audit.Entries.Where(e => e.Action == AuditActions.ConsentCheck).Select(e => e.Result));
        Assert.Contains(await Tracking.ListEventsAsync("msg-unsub"), e => e.Type == EngagementTypes.Unsubscribe);
    }

    [Fact]
    public async Task Unsubscribe_OnlyMarketing_TreatmentStillGranted()
    {
        var links = await SendAsync("msg-unsub-2");

        await client.PostAsync(links.Unsubscribe, new FormUrlEncodedContent([]));

        var registry = server.Services.GetRequiredService<ConsentRegistry>();
        var consents = (await server.Services.GetRequiredService<Automation.Activities.Fhir.Sources.IPatientDataSource>().GetPatientContextAsync("p1"))!.Consents;
        Assert.False((await registry.CheckAsync("p1", consents, "marketing", "email")).Granted);
        Assert.True((await registry.CheckAsync("p1", consents, "treatment", "email")).Granted);
    }

    [Fact]
    public async Task Unsubscribe_TamperedOrWrongPurposeOrExpiredToken_ProblemAndNothingRecorded()
    {
        var links = await SendAsync("msg-tamper");
        var token = links.Unsubscribe["/u/".Length..];
        var tampered = "/u/" + Base64Of("msg-other") + token[token.IndexOf('.', StringComparison.Ordinal)..];
        var expired = "/u/" + new TrackingTokens(new SignedTokens(tokenKey, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-500))), TimeSpan.FromDays(400))
            .ForMessage(TrackingTokens.UnsubscribePurpose, "msg-tamper");

        var responses = new[]
        {
            await client.PostAsync(tampered, new FormUrlEncodedContent([])),
            await client.PostAsync("/u/" + links.Pixel["/t/o/".Length..], new FormUrlEncodedContent([])),
            await client.PostAsync("/u/not-a-token", new FormUrlEncodedContent([])),
            await client.PostAsync(expired, new FormUrlEncodedContent([])),
            await client.GetAsync(tampered),
        };

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.Gone, HttpStatusCode.BadRequest], responses.Select(r => r.StatusCode));
        Assert.All(responses, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType!.MediaType));
        Assert.DoesNotContain(audit.Entries, e => e.Action == AuditActions.ConsentRecorded);
        Assert.Equal("Granted fhir-permit", await RunConsentJourneyAsync());
    }

    [Fact]
    public async Task Click_ValidToken_RedirectsToRecordedUrlAndRecordsTheClick()
    {
        var links = await SendAsync("msg-click");

        var response = await client.GetAsync(links.Click);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Booking, response.Headers.Location!.AbsoluteUri);
        var click = Assert.Single(await Tracking.ListEventsAsync("msg-click"));
        Assert.Equal((EngagementTypes.Click, "p1", false), (click.Type, click.PatientId, click.Automated));
    }

    [Fact]
    public async Task Click_OpenRedirectAttempts_NeverRedirectElsewhere()
    {
        var links = await SendAsync("msg-redirect");
        var token = links.Click["/t/c/".Length..];
        var signer = server.Services.GetRequiredService<TrackingTokens>();
        var payloadEnd = token.IndexOf('.', StringComparison.Ordinal);

        // Extra query parameters are ignored: still the recorded URL.
        var withQuery = await client.GetAsync(links.Click + "?url=https%3A%2F%2Fevil.example%2F&redirect=https://evil.example/&next=//evil.example");
        Assert.Equal(Booking, withQuery.Headers.Location!.AbsoluteUri);

        var attempts = new[]
        {
            "/t/c/" + Base64Of("msg-redirect|1") + token[payloadEnd..],                    // index altered in the payload: signature breaks
            "/t/c/" + signer.ForClick("msg-redirect", 1),                                     // genuine token, index with no recorded link
            "/t/c/" + signer.ForClick("msg-never-sent", 0),                                   // genuine token, foreign message id
            "/t/c/" + signer.ForMessage(TrackingTokens.OpenPurpose, "msg-redirect"),          // token for another purpose
            "/t/c/https%3A%2F%2Fevil.example%2F",                                               // a URL instead of a token
            "/t/c/" + Uri.EscapeDataString(token + "https://evil.example"),
        };
        foreach (var attempt in attempts)
        {
            var response = await client.GetAsync(attempt);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        Assert.Single(await Tracking.ListEventsAsync("msg-redirect"));
    }

    [Fact]
    public async Task Pixel_AlwaysAGif_RecordsOnlyValidTokens()
    {
        var links = await SendAsync("msg-pixel");
        var token = links.Pixel["/t/o/".Length..];

        var responses = new[]
        {
            await client.GetAsync(links.Pixel),
            await client.GetAsync("/t/o/" + token[..^2] + "xx"),
            await client.GetAsync("/t/o/garbage"),
            await client.GetAsync("/t/o/" + links.Unsubscribe["/u/".Length..]),
        };

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/gif", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("GIF89a"u8.ToArray(), (await response.Content.ReadAsByteArrayAsync())[..6]);
        }

        var open = Assert.Single(await Tracking.ListEventsAsync("msg-pixel"));
        Assert.Equal(EngagementTypes.Open, open.Type);
        Assert.NotEqual(Chrome, open.UserAgentHash);
        Assert.Equal(32, open.UserAgentHash!.Length);
    }

    [Fact]
    public async Task Pixel_GmailProxy_RecordedAsAutomated()
    {
        var links = await SendAsync("msg-proxy");
        using var request = new HttpRequestMessage(HttpMethod.Get, links.Pixel);
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)");
        using var bare = server.CreateClient();

        await bare.SendAsync(request);

        var open = Assert.Single(await Tracking.ListEventsAsync("msg-proxy"));
        Assert.Equal((true, "gmail-image-proxy"), (open.Automated, open.Reason));
    }

    [Fact]
    public async Task Pixel_HumanOpen_ResumesJourneyWaitingForEngagement()
    {
        using var admin = await AdminAsync();
        var links = await SendAsync("msg-wait");
        var started = await admin.PostAsJsonAsync("/api/workflows/wait-open/execute", new { input = new { message = "msg-wait" } });
        var instanceId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString();
        Assert.DoesNotContain("opened", console.ToString(), StringComparison.Ordinal);

        await client.GetAsync(links.Pixel);

        Assert.Contains("opened", console.ToString(), StringComparison.Ordinal);
        var instance = await admin.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}");
        Assert.Equal("Finished", instance.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Preferences_ShowCurrentChoices_SaveRecordsOnlyChanges()
    {
        var links = await SendAsync("msg-prefs");

        var page = await client.GetStringAsync(links.Preferences);
        Assert.Matches("name=\"marketing.email\"[^>]*checked", page);
        Assert.Matches("name=\"treatment.email\"[^>]*checked", page);
        Assert.DoesNotMatch("name=\"marketing.sms\"[^>]*checked", page);
        Assert.DoesNotContain("Ana", page, StringComparison.Ordinal);

        var saved = await client.PostAsync(links.Preferences, new FormUrlEncodedContent([new("treatment.email", "on"), new("marketing.sms", "on")]));
        var savedPage = await saved.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.DoesNotMatch("name=\"marketing.email\"[^>]*checked", savedPage);
        Assert.Matches("name=\"marketing.sms\"[^>]*checked", savedPage);
        var recorded = audit.Entries.Where(e => e.Action == AuditActions.ConsentRecorded).Select(e => (e.Result, e.Details!["purpose"], e.Details["channel"], e.Details["source"])).ToList();
        Assert.Equal([("opt-out", "marketing", "email", "preference-page"), ("opt-in", "marketing", "sms", "preference-page")], recorded);
        Assert.Equal("Denied opt-out-record", await RunConsentJourneyAsync());
    }

    [Fact]
    public async Task Preferences_UnsubscribeTokenOnPreferencePage_Rejected()
    {
        var links = await SendAsync("msg-prefs-2");

        var response = await client.GetAsync("/p/" + links.Unsubscribe["/u/".Length..]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("Automation:PublicBaseUrl", "ftp://engage.test", "Automation:PublicBaseUrl must be an absolute http or https URL")]
    [InlineData("Automation:Tracking:TokenLifetime", "2.00:00:00", "Automation:Tracking:TokenLifetime must be at least 30 days")]
    [InlineData("Automation:Tracking:PrefetchWindow", "soon", "Automation:Tracking:PrefetchWindow must be a time span")]
    public void Start_InvalidTrackingSetting_FailsNamingTheSetting(string key, string value, string message)
    {
        using var invalid = new ServerFactory(data, Path.Combine(data, "workflows"), console, new Dictionary<string, string> { [key] = value });

        var exception = Assert.ThrowsAny<Exception>(() => invalid.CreateClient());

        Assert.Contains(message, exception.ToString(), StringComparison.Ordinal);
    }

    private static string Base64Of(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

}
