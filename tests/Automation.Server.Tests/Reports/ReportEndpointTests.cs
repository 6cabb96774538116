using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Engine.Audit;
using Automation.Server.Tests.ElsaApi;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.Reports;

public sealed class ReportEndpointTests : IDisposable
{
    private readonly ElsaApiServer server = new();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task Report_CountsEnteredInstancesAndEachStep_AndExportsTheSameAsCsv()
    {
        var designer = server.Client("designer");
        await designer.PostJsonAsync("workflow-definitions", ElsaApiServer.Fixture("captured-final-publish-body.json"));
        for (var i = 0; i < 3; i++)
        {
            (await designer.PostAsync("workflow-definitions/hc-demo-1/execute", JsonContent.Create(ElsaApiServer.Fixture("captured-final-execute-body.json")))).EnsureSuccessStatusCode();
        }

        var auditor = server.Client("auditor");
        var report = await auditor.GetJsonAsync("/api/reports/journeys/hc-demo-1");

        var funnel = report["funnel"]!.AsArray().ToDictionary(s => s!["stage"]!.GetValue<string>(), s => s!["count"]!.GetValue<long>());
        Assert.Equal(3, funnel["entered"]);
        Assert.Equal(0, funnel["consent denied"]);
        Assert.Equal(3, funnel["exited"]);
        var consent = report["steps"]!.AsArray().Single(s => s!["activityId"]!.GetValue<string>() == "consent1")!;
        Assert.Equal(3, consent["reached"]!.GetValue<long>());
        Assert.Equal(3, consent["outcomes"]!["Granted"]!.GetValue<long>());

        var csv = await auditor.GetStringAsync("/api/reports/journeys/hc-demo-1/csv");
        Assert.StartsWith("section,name,metric,count\n", csv, StringComparison.Ordinal);
        Assert.Contains("funnel,\"entered\",\"count\",3\n", csv, StringComparison.Ordinal);
        Assert.Contains("step,\"consent1\",\"Granted\",3\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_CountsMethodsAndDeliverabilityByDomain_FromTheJourneysMessageRecords()
    {
        var report = await ReportOnRecordsAsync(
        [
            Queued("hc-demo-1", "m-1", "smime"),
            Queued("hc-demo-1", "m-2", "portal"),
            Outcome(AuditActions.MessageDelivered, "m-1", "example.org"),
            Outcome(AuditActions.MessageBounced, "m-2", "example.net"),
            Queued("another-journey", "m-3", "tls"),
            Outcome(AuditActions.MessageDelivered, "m-3", "example.com"),
            Outcome(AuditActions.PolicyDecision, "m-1", "example.edu"),
        ]);

        Assert.Equal(1, report["methods"]!["smime"]!.GetValue<long>());
        Assert.Equal(1, report["methods"]!["portal"]!.GetValue<long>());
        Assert.Null(report["methods"]!["tls"]);
        var domains = report["domains"]!.AsArray().ToDictionary(d => d!["domain"]!.GetValue<string>(), d => (d!["delivered"]!.GetValue<long>(), d["bounced"]!.GetValue<long>()));
        Assert.Equal(2, domains.Count);
        Assert.Equal((1, 0), domains["example.org"]);
        Assert.Equal((0, 1), domains["example.net"]);
        Assert.Equal(1, Delivered(report));
    }

    [Fact]
    public async Task Report_CountsEachMessageOnce_WhenItWasQueuedTwiceDeliveredTwiceOrRefusedAfterDelivery()
    {
        var report = await ReportOnRecordsAsync(
        [
            Queued("hc-demo-1", "m-1", "smime"),
            Queued("hc-demo-1", "m-1", "smime"),
            Outcome(AuditActions.MessageDelivered, "m-1", "example.org"),
            Outcome(AuditActions.MessageDelivered, "m-1", "example.org"),
            Queued("hc-demo-1", "m-2", "smime"),
            Outcome(AuditActions.MessageDelivered, "m-2", "example.org"),
            Outcome(AuditActions.MessageBounced, "m-2", "example.org"),
        ]);

        Assert.Equal(2, report["methods"]!["smime"]!.GetValue<long>());
        var domain = Assert.Single(report["domains"]!.AsArray())!;
        Assert.Equal(("example.org", 2L, 2L, 1L),
            (domain["domain"]!.GetValue<string>(), domain["sent"]!.GetValue<long>(), domain["delivered"]!.GetValue<long>(), domain["bounced"]!.GetValue<long>()));
        Assert.Equal(2, Delivered(report));
    }

    [Fact]
    public async Task Report_IsForbiddenToOperators_AndAnUnknownJourneyIsAProblemNamingTheField()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client("operator").GetAsync("/api/reports/journeys/anything")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(null).GetAsync("/api/reports/journeys/anything")).StatusCode);

        var problem = await server.Client("designer").GetJsonAsync("/api/reports/journeys/no-such-journey", HttpStatusCode.NotFound);
        Assert.Equal("definitionId", problem["field"]!.GetValue<string>());
    }

    private static long Delivered(JsonNode report) =>
        report["funnel"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == "delivered")!["count"]!.GetValue<long>();

    // As SecureSend writes it: the journey's actor, the instance, the method.
    private static AuditEntry Queued(string definitionId, string messageId, string method) => new()
    {
        Action = AuditActions.MessageQueued, Actor = AuditActors.Workflow(definitionId), Result = "queued", InstanceId = "instance-of-" + definitionId,
        MessageId = messageId, Method = method,
    };

    // As the relay writes it: the outbox's actor and the recipient's domain.
    private static AuditEntry Outcome(string action, string messageId, string domain) => new()
    {
        Action = action, Actor = "system:outbox", Result = "ok", InstanceId = "instance", MessageId = messageId,
        Details = new Dictionary<string, string> { ["recipientDomain"] = domain },
    };

    // The journey hc-demo-1 published, the records appended, then its report as an auditor reads it.
    private async Task<JsonNode> ReportOnRecordsAsync(IReadOnlyList<AuditEntry> records)
    {
        await server.Client("designer").PostJsonAsync("workflow-definitions", ElsaApiServer.Fixture("captured-final-publish-body.json"));
        await server.Services.GetRequiredService<IAuditLog>().AppendAsync(records);
        return await server.Client("auditor").GetJsonAsync("/api/reports/journeys/hc-demo-1");
    }
}
