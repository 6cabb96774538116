using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Engine.Audit;
using Automation.Engine.Outbox;
using Automation.Engine.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

public sealed class AuditAndSecurityTests : IAsyncLifetime
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-audit-").FullName;
    private ServerFactory server = null!;

    public Task InitializeAsync()
    {
        server = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task SignIn_FailureAndSuccess_AreAuditedWithoutTheEmailAddress()
    {
        var anonymous = server.CreateClient();
        await anonymous.PostAsJsonAsync("/api/auth/sign-in", new { email = "mistyped.person@hospital.test", password = "wrong password here" });
        var admin = await server.SignedInClientAsync();

        var body = await admin.GetStringAsync("/api/audit?take=1000");

        var signIns = Records(body).Where(r => r["action"]!.GetValue<string>() == AuditActions.SignIn).ToList();
        Assert.Contains(signIns, r => r["actor"]!.GetValue<string>() == "unknown" && r["result"]!.GetValue<string>() == "denied");
        var granted = Assert.Single(signIns, r => r["result"]!.GetValue<string>() == "granted");
        Assert.Matches("^[0-9a-f]{32}$", granted["actor"]!.GetValue<string>());
        Assert.DoesNotContain("mistyped.person", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ServerFactory.AdminEmail, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConfigurationChanges_RetractPublishAndUserCreation_AreAuditedWithTheActor()
    {
        var admin = await server.SignedInClientAsync();
        var me = Records(await admin.GetStringAsync("/api/audit?take=1000")).Last(r => r["action"]!.GetValue<string>() == AuditActions.SignIn)["actor"]!.GetValue<string>();

        (await admin.PostAsync("/elsa/api/workflow-definitions/delay-then-write/retract", JsonContent.Create(new JsonObject()))).EnsureSuccessStatusCode();
        (await admin.PostAsync("/elsa/api/workflow-definitions/delay-then-write/publish", JsonContent.Create(new JsonObject()))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/users", new { email = "new.designer@hospital.test", role = "designer", password = ServerFactory.AdminPassword })).EnsureSuccessStatusCode();
        var missing = await admin.DeleteAsync("/elsa/api/workflow-definitions/no-such-definition");

        // The start-up retention purge is a configuration change by "system"; the rest are this admin's.
        var changes = Records(await admin.GetStringAsync("/api/audit?take=1000"))
            .Where(r => r["action"]!.GetValue<string>() == AuditActions.ConfigurationChange && r["details"]!["operation"]!.GetValue<string>() != "audit.purge").ToList();
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.All(changes, c => Assert.Equal(me, c["actor"]!.GetValue<string>()));
        Assert.Equal(
            ["ElsaRetractWorkflowDefinition:delay-then-write:succeeded", "ElsaPublishWorkflowDefinition:delay-then-write:succeeded", "user.create::succeeded", "ElsaDeleteWorkflowDefinition:no-such-definition:rejected"],
            changes.Select(c => $"{c["details"]!["operation"]}:{c["details"]!["definitionId"]?.GetValue<string>()}:{c["result"]}"));
        Assert.Equal("designer", changes[2]["details"]!["role"]!.GetValue<string>());
        Assert.DoesNotContain("new.designer", changes[2].ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_Rejected_IsAuditedAsAFailedSignIn()
    {
        var machine = server.CreateClient();
        machine.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "ApiKey ak_not-a-real-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await machine.GetAsync("/api/plugins")).StatusCode);
        var admin = await server.SignedInClientAsync();

        var records = Records(await admin.GetStringAsync("/api/audit?take=1000"));

        var denied = Assert.Single(records, r => r["method"]?.GetValue<string>() == "apikey");
        Assert.Equal((AuditActions.SignIn, "unknown", "denied"), (denied["action"]!.GetValue<string>(), denied["actor"]!.GetValue<string>(), denied["result"]!.GetValue<string>()));
        Assert.DoesNotContain("not-a-real-key", denied.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auditor", HttpStatusCode.OK)]
    [InlineData("designer", HttpStatusCode.Forbidden)]
    [InlineData("operator", HttpStatusCode.Forbidden)]
    public async Task AuditApi_ByRole_OnlyAuditorsAndAdminsRead(string role, HttpStatusCode expected)
    {
        var client = await server.SignedInClientAsync(role);

        Assert.Equal(expected, (await client.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(expected, (await client.GetAsync("/api/audit/verify")).StatusCode);
    }

    [Fact]
    public async Task AuditApi_TakeOutOfRange_IsAProblemNamingTheField()
    {
        var admin = await server.SignedInClientAsync();

        var response = await admin.GetAsync("/api/audit?take=5000&after=-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["take"]);
        Assert.NotNull(problem["errors"]!["after"]);
    }

    [Fact]
    public async Task AuditApi_PagesWithAfterAndVerifyReportsTampering()
    {
        var admin = await server.SignedInClientAsync();
        await server.Services.GetRequiredService<IAuditLog>().AppendAsync([.. Enumerable.Range(0, 5).Select(i => new AuditEntry { Action = "test.event", Actor = "system", Result = "ok", Details = new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } })]);

        var first = JsonNode.Parse(await admin.GetStringAsync("/api/audit?take=2"))!;
        var second = JsonNode.Parse(await admin.GetStringAsync($"/api/audit?take=2&after={first["next"]}"))!;
        var intact = await admin.GetFromJsonAsync<JsonObject>("/api/audit/verify");
        await using (var connection = new SqliteConnection("Data Source=" + Path.Combine(data, "automation.db")))
        {
            await connection.OpenAsync();
            await using var tamper = new SqliteCommand("DROP TRIGGER audit_records_no_update; UPDATE audit_records SET result = 'forged' WHERE sequence = 3", connection);
            await tamper.ExecuteNonQueryAsync();
        }

        var tampered = await admin.GetFromJsonAsync<JsonObject>("/api/audit/verify");

        Assert.Equal([1L, 2L], first["records"]!.AsArray().Select(r => r!["sequence"]!.GetValue<long>()));
        Assert.Equal([3L, 4L], second["records"]!.AsArray().Select(r => r!["sequence"]!.GetValue<long>()));
        Assert.True(intact!["valid"]!.GetValue<bool>());
        Assert.False(tampered!["valid"]!.GetValue<bool>());
        Assert.Equal(3, tampered["firstBadSequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task SecurityKeys_EmbeddedDefault_GeneratedOnceOwnerOnlyAndReusedAfterRestart()
    {
        var hash = server.Services.GetRequiredService<PatientIdHasher>().Hash("Patient/123");
        var blob = server.Services.GetRequiredService<PhiProtector>().ProtectString("diagnosis");
        var token = server.Services.GetRequiredService<SignedTokens>().Create("open", "msg-1", TimeSpan.FromHours(1));
        var files = new[] { "token.key", "patient-hash.key", "phi-local-1.key" }.Select(f => Path.Combine(data, f)).ToList();
        var bytes = files.Select(File.ReadAllBytes).ToList();
        await server.DisposeAsync();

        server = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter());
        var services = server.Services;

        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        Assert.Equal(bytes, files.Select(File.ReadAllBytes));
        Assert.Equal(hash, services.GetRequiredService<PatientIdHasher>().Hash("123"));
        Assert.Equal("diagnosis", services.GetRequiredService<PhiProtector>().UnprotectString(blob));
        Assert.Equal(TokenVerdict.Valid, services.GetRequiredService<SignedTokens>().Validate("open", token, out _));
    }

    [Fact]
    public async Task SecurityKeys_Configured_AreUsedAndNoFilesAreWritten()
    {
        var patientKey = RandomNumberGenerator.GetBytes(48);
        var phiKey = RandomNumberGenerator.GetBytes(32);
        await using var configured = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter(), new Dictionary<string, string>
        {
            ["Automation:Security:TokenKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Automation:Security:PatientHashKey"] = Convert.ToBase64String(patientKey),
            ["Automation:Security:PhiKeys:2026-11"] = Convert.ToBase64String(phiKey),
            ["Automation:Security:ActivePhiKey"] = "2026-11",
        });

        var services = configured.Services;

        Assert.Equal(new PatientIdHasher(patientKey).Hash("p-9"), services.GetRequiredService<PatientIdHasher>().Hash("p-9"));
        var blob = services.GetRequiredService<PhiProtector>().ProtectString("lab result");
        Assert.Equal("2026-11", PhiProtector.KeyIdOf(blob));
        Assert.Equal("lab result", new PhiProtector(new Dictionary<string, byte[]> { ["2026-11"] = phiKey }, "2026-11").UnprotectString(blob));
        Assert.False(File.Exists(Path.Combine(data, "patient-hash.key")));
        Assert.False(File.Exists(Path.Combine(data, "phi-local-1.key")));
    }

    [Theory]
    [InlineData("Automation:Security:PatientHashKey", "c2hvcnQ=", "Automation:Security:PatientHashKey must be at least 32 bytes")]
    [InlineData("Automation:Security:TokenKey", "not base64!", "Automation:Security:TokenKey is not valid base64")]
    [InlineData("Automation:Security:PhiKeys:k1", "c2hvcnQ=", "Automation:Security:PhiKeys:k1 must be exactly 32 bytes")]
    public async Task SecurityKeys_BadSetting_StopsStartupNamingIt(string key, string value, string message)
    {
        await using var bad = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter(), new Dictionary<string, string>
        {
            [key] = value,
            ["Automation:Security:ActivePhiKey"] = key.Contains("PhiKeys", StringComparison.Ordinal) ? "k1" : "local-1",
        });

        var exception = Assert.ThrowsAny<Exception>(() => bad.Services);

        Assert.Contains(message, exception.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Automation:Outbox:BatchSize", "0", "Automation:Outbox:BatchSize must be positive")]
    [InlineData("Automation:Outbox:Lease", "00:00:00", "Automation:Outbox:Lease must be positive")]
    [InlineData("Automation:Timers:PollInterval", "00:00:00", "Automation:Timers:PollInterval must be positive")]
    [InlineData("Automation:Audit:Retention", "01:00:00", "Automation:Audit:Retention must be at least one day")]
    public async Task OutboxTimerAndAuditSettings_Invalid_StopStartupNamingTheSetting(string key, string value, string message)
    {
        await using var bad = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter(), new Dictionary<string, string> { [key] = value });

        var exception = Assert.ThrowsAny<Exception>(() => bad.Services);

        Assert.Contains(message, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxRelayOptions_FromConfiguration_AreBound()
    {
        await using var configured = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter(), new Dictionary<string, string>
        {
            ["Automation:Outbox:BatchSize"] = "17",
            ["Automation:Outbox:Lease"] = "00:05:00",
        });

        var options = configured.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutboxRelayOptions>>().Value;

        Assert.Equal((17, TimeSpan.FromMinutes(5)), (options.BatchSize, options.Lease));
    }

    [Fact]
    public async Task OutboxRelay_HostedByTheServer_DeliversEnqueuedMessagesOnce()
    {
        var handler = new RecordingHandler();
        await using var withHandler = server.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IOutboxHandler>(handler)));
        var store = withHandler.Services.GetRequiredService<IOutboxStore>();

        await store.EnqueueAsync([new OutboxMessage("server-msg-1", "test-topic", [1, 2, 3])]);
        withHandler.Services.GetRequiredService<OutboxSignal>().Pulse();
        var delivered = await handler.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("server-msg-1", delivered);
        for (var i = 0; i < 100 && (await store.GetAsync("server-msg-1"))?.Status != "done"; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal("done", (await store.GetAsync("server-msg-1"))!.Status);
        Assert.Equal(1, handler.Count);
    }

    private static List<JsonNode> Records(string page) => [.. JsonNode.Parse(page)!["records"]!.AsArray().Select(r => r!)];

    private sealed class RecordingHandler : IOutboxHandler
    {
        private int count;

        public TaskCompletionSource<string> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => count;

        public string Topic => "test-topic";

        public Task<IReadOnlyList<OutboxResult>> HandleAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref count, items.Count);
            Delivered.TrySetResult(items[0].Id);
            return Task.FromResult<IReadOnlyList<OutboxResult>>([.. items.Select(_ => OutboxResult.Done)]);
        }
    }
}
