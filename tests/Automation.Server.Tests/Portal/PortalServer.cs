using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Automation.Activities.SecureSend.Portal;
using Automation.Engine.Audit;
using Automation.Engine.Execution;
using Automation.Engine.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Server.Tests.Portal;

/// <summary>
/// The server on a temporary SQLite folder with one patient in an NDJSON directory, a fake clock, captured one-time
/// codes and an in-memory audit log, so the pickup pages can be driven end to end through HTTP.
/// </summary>
internal sealed partial class PortalServer : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@hospital.test";
    public const string AdminPassword = "correct horse battery staple";
    public const string PatientId = "p0000042";
    public const string BirthDate = "1961-03-14";

    private readonly string data;

    private readonly bool ownsData;

    private readonly IReadOnlyDictionary<string, string> settings;

    public PortalServer(IReadOnlyDictionary<string, string>? settings = null)
    {
        data = Directory.CreateTempSubdirectory("automation-portal-").FullName;
        ownsData = true;
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        this.settings = settings ?? new Dictionary<string, string>();
        var patients = Directory.CreateDirectory(Path.Combine(data, "fhir")).FullName;
        File.WriteAllText(Path.Combine(patients, "Patient.ndjson"),
            $$"""{"resourceType":"Patient","id":"{{PatientId}}","birthDate":"{{BirthDate}}","name":[{"family":"Doe","given":["Jane"]}],"telecom":[{"system":"email","value":"jane.doe@example.test"}]}""" + "\n");
        Tokens = new SignedTokens(RandomNumberGenerator.GetBytes(32), Clock);
    }

    /// <summary>A second server process on <paramref name="first"/>'s data folder (its database and key files) and
    /// clock, as a second node behind one address.</summary>
    public PortalServer(PortalServer first)
    {
        data = first.data;
        settings = first.settings;
        Clock = first.Clock;
        Tokens = first.Tokens;
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>The SQLite database both nodes share.</summary>
    public string DatabaseFile => Path.Combine(data, "automation.db");

    public SignedTokens Tokens { get; }

    public RecordingAuditLog Audit { get; } = new();

    public CapturedCodes Codes { get; } = new();

    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Deposits a message for the patient and returns the path of its pickup link.</summary>
    public async Task<(string MessageId, string Path)> DepositAsync(string html = "<p>Your HbA1c was <b>8.4 %</b>.</p>", TimeSpan? lifetime = null)
    {
        var mailbox = Services.GetRequiredService<PortalMailbox>();
        var messageId = "msg-" + Guid.NewGuid().ToString("N");
        var deposit = await mailbox.DepositAsync(new PortalMessage(messageId, PatientId, "instance-1", "jane.doe@example.test", "Your lab result",
            html, "Your HbA1c was 8.4 %.", Clock.GetUtcNow() + (lifetime ?? TimeSpan.FromDays(7))));
        return (messageId, deposit.PickupUrl.AbsolutePath);
    }

    public async Task<HttpClient> SignedInAsync(string role)
    {
        var client = CreateClient();
        var token = await SignInAsync(client, AdminEmail, AdminPassword);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (role != "admin")
        {
            var email = $"{role}-{Guid.NewGuid():N}@hospital.test";
            (await client.PostAsJsonAsync("/api/users", new { email, role, password = AdminPassword })).EnsureSuccessStatusCode();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignInAsync(client, email, AdminPassword));
        }

        return client;
    }

    /// <summary>Posts a form the way the page's own form does: with the antiforgery field read from the page.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string page, string path, params (string Name, string Value)[] fields)
    {
        return await browser.PostAsync(path, Form(page, fields));
    }

    /// <summary>A page's form as its browser would post it: the antiforgery field read from the page, then the fields.</summary>
    public static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields)
    {
        var antiforgery = AntiforgeryField().Match(page);
        Assert.True(antiforgery.Success, "the page has no antiforgery field");
        var form = new List<KeyValuePair<string, string>> { new(antiforgery.Groups[1].Value, System.Net.WebUtility.HtmlDecode(antiforgery.Groups[2].Value)) };
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return new FormUrlEncodedContent(form);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Automation:DataPath", data);
        builder.UseSetting("Automation:WorkflowsPath", Directory.CreateDirectory(Path.Combine(data, "workflows")).FullName);
        builder.UseSetting("Automation:PluginsPath", Path.Combine(data, "plugins"));
        builder.UseSetting("Automation:Auth:InitialAdmin:Email", AdminEmail);
        builder.UseSetting("Automation:Auth:InitialAdmin:Password", AdminPassword);
        builder.UseSetting("Automation:PublicBaseUrl", "https://automation.example.test");
        builder.UseSetting("Fhir:Directory", Path.Combine(data, "fhir"));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(new WorkflowConsole(new StringWriter()));
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton(Tokens);
            services.AddSingleton<IAuditLog>(Audit);
            services.AddSingleton<IPortalCodeSender>(Codes);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!ownsData)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}

internal sealed class CapturedCodes : IPortalCodeSender
{
    public ConcurrentQueue<PortalCode> Sent { get; } = new();

    public Task SendAsync(PortalCode code, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(code);
        return Task.CompletedTask;
    }
}
