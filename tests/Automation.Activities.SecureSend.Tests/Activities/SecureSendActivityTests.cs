using System.Text.Json.Nodes;
using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tests.Support;
using Automation.Engine.Audit;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Hosting;
using Automation.Engine.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Activities.SecureSend.Tests.Activities;

public sealed class SecureSendActivityTests : IDisposable
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("securesend-activity").FullName;
    private readonly FakeAuditLog audit = new();
    private readonly PhiProtector protector = PhiProtector.CreateEphemeral();
    private readonly ServiceProvider services;

    public SecureSendActivityTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SecureSend:From"] = "care@clinic.example.org",
            ["SecureSend:Directory:Provider"] = "sqlite",
            ["SecureSend:Directory:ConnectionString"] = $"Data Source={Path.Combine(folder, "d.db")}",
            ["SecureSend:PolicyDirectory"] = folder,
            ["SecureSend:Smtp:Host"] = "127.0.0.1",
        }).Build();
        services = new ServiceCollection()
            .AddSingleton(new WorkflowConsole(TextWriter.Null))
            .AddSingleton<IAuditLog>(audit)
            .AddSingleton(protector)
            .AddSingleton(Harness.Hasher)
            .AddSecureSend(configuration)
            .AddAutomationEngine()
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        services.Dispose();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(folder, true);
    }

    private static JsonObject Expr(string syntax, string value) => new() { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = value } };

    private static WorkflowDefinition Journey(string html, string subject = "Your clinic", string? recipient = null, bool? containsPhi = null)
    {
        var send = new JsonObject
        {
            ["id"] = "send", ["type"] = "Healthcare.SecureSend",
            ["patient"] = Expr("JavaScript", "return input.patient;"),
            ["subject"] = Expr("Literal", subject),
            ["html"] = Expr("Literal", html),
        };
        if (recipient is not null)
        {
            send["recipient"] = Expr("Literal", recipient);
        }

        if (containsPhi is not null)
        {
            send["containsPhi"] = new JsonObject { ["typeName"] = "Boolean", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = containsPhi.Value ? "true" : "false" } };
        }

        return WorkflowDefinitionJson.FromDocument(new JsonObject
        {
            ["definitionId"] = "send-journey",
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["activities"] = new JsonArray(send), ["connections"] = new JsonArray() },
        });
    }

    private async Task<WorkflowRunResult> RunAsync(WorkflowDefinition definition, string email = "ana@example.org") =>
        await services.GetRequiredService<WorkflowInvoker>().StartAsync(definition, new StartWorkflowOptions
        {
            Input = new Dictionary<string, object?> { ["patient"] = Harness.Patient(email) },
        });

    private static string Outcome(WorkflowRunResult result) => result.Journal.Last(e => e.ActivityId == "send").Outcomes ?? string.Join(" | ", result.Journal);

    [Fact]
    public async Task Phi_RecipientWithoutCertificateKeyOrPortal_IsBlockedAndAudited()
    {
        var result = await RunAsync(Journey("<p>{% for c in Patient.conditions %}{{ c.display }}{% endfor %}</p>"));

        Assert.Equal("Blocked", Outcome(result));
        Assert.Empty(result.Outbox);
        var decision = Assert.Single(audit.Entries, e => e.Action == AuditActions.PolicyDecision);
        Assert.Equal("blocked", decision.Result);
        Assert.Equal(Harness.Hasher.Hash("p1"), decision.PatientHash);
        Assert.DoesNotContain("ana@example.org", string.Join(" ", decision.Details!.Values));
    }

    [Fact]
    public async Task Phi_WithCertificate_QueuesEncryptedMimeWithDeterministicMessageId()
    {
        await services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(Tools.SmimeRecipient("ana@example.org").CertificatePem), null);

        var result = await RunAsync(Journey("<p>HbA1c {{ Patient.labs['4548-4'].value }}</p>", containsPhi: false));

        Assert.Equal("Sent", Outcome(result));
        var queued = Assert.Single(result.Outbox);
        Assert.Equal("secure-send", queued.Topic);
        Assert.Equal(MessageKeys.For(result.InstanceId, "send", "ana@example.org"), queued.Id);
        var envelope = OutboxEnvelope.Unprotect(protector, queued.Id, queued.Payload);
        Assert.Equal("smime", envelope.Method);
        Assert.True(envelope.RequireTls);
        Assert.Contains("application/pkcs7-mime", System.Text.Encoding.ASCII.GetString(envelope.Mime));
        Assert.DoesNotContain("8.4", System.Text.Encoding.ASCII.GetString(queued.Payload));
        var decision = Assert.Single(audit.Entries, e => e.Action == AuditActions.PolicyDecision);
        Assert.Contains("ContainsPhi=false overridden", decision.Details!["sensitivity"]);
        Assert.Single(audit.Entries, e => e.Action == AuditActions.MessageQueued);
    }

    [Fact]
    public async Task NonPhi_DefaultsToThePatientsEmailAndGoesByTls()
    {
        var result = await RunAsync(Journey("<p>Hello {{ Patient.firstName }}</p>"), email: "ana@example.org");

        Assert.Equal("Sent", Outcome(result));
        var envelope = OutboxEnvelope.Unprotect(protector, result.Outbox[0].Id, result.Outbox[0].Payload);
        Assert.Equal(("tls", "ana@example.org"), (envelope.Method, envelope.To));
        Assert.Contains("Hello Ana", System.Text.Encoding.UTF8.GetString(envelope.Mime));
    }

    [Fact]
    public async Task BadRecipientAddress_FailsAuditedNothingQueued()
    {
        var result = await RunAsync(Journey("<p>Hi</p>", recipient: "not an address"));

        Assert.Equal("Failed", Outcome(result));
        Assert.Empty(result.Outbox);
        var failed = Assert.Single(audit.Entries, e => e.Action == AuditActions.MessageFailed);
        Assert.Contains("Recipient: the address does not parse", failed.Details!["reason"]);
    }

    [Fact]
    public async Task TemplateThatFailsToParse_FailsWithTheFieldNamed()
    {
        var result = await RunAsync(Journey("<p>{% if Patient.firstName %}unclosed</p>"));

        Assert.Equal("Failed", Outcome(result));
        Assert.Empty(result.Outbox);
        Assert.StartsWith("Html: Liquid does not parse", Assert.Single(audit.Entries).Details!["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SubjectReadingPhi_IsAValidationError()
    {
        var problems = services.GetRequiredService<WorkflowCompiler>().Validate(Journey("<p>ok</p>", subject: "About your {{ Patient.conditions[0].display }}"));

        var problem = Assert.Single(problems);
        Assert.Equal("send", problem.ActivityId);
        Assert.Contains("Subject reads PHI fields of the patient (conditions)", problem.Message);
    }

    [Fact]
    public void Validate_PlainSubject_IsValid()
    {
        Assert.Empty(services.GetRequiredService<WorkflowCompiler>().Validate(Journey("<p>{{ Patient.labs }}</p>", subject: "Hello {{ Patient.firstName }}")));
    }
}
