using System.Net;
using System.Text;
using Automation.Activities.Fhir.Tests.Support;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>`empty` Backport notifications: the receiver asks the FHIR server what changed and acts on each result.</summary>
public sealed class FhirEmptyNotificationTests : IAsyncLifetime
{
    private const string Journey = """
        {"definitionId":"booked-appointment","root":{"type":"Elsa.Flowchart","activities":[
          {"id":"trigger","type":"Healthcare.FhirSubscriptionTrigger",
           "subscription":{"typeName":"String","expression":{"type":"Literal","value":"ehr"}},
           "resourceType":{"typeName":"String","expression":{"type":"Literal","value":"Appointment"}},
           "filter":{"typeName":"String","expression":{"type":"Literal","value":"status=booked"}}}],
         "connections":[]}}
        """;

    private readonly string data = Directory.CreateTempSubdirectory("automation-fhir-empty-").FullName;
    private readonly List<Resource> ehrResources = [];
    private FhirTestServer ehr = null!;
    private ServerFactory server = null!;
    private HttpClient client = null!;

    public async System.Threading.Tasks.Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow;
        ehrResources.Add(Booking("old", Appointment.AppointmentStatus.Booked, now.AddHours(-3)));
        ehrResources.Add(Booking("new1", Appointment.AppointmentStatus.Booked, now.AddSeconds(-30)));
        ehrResources.Add(Booking("gone1", Appointment.AppointmentStatus.Cancelled, now.AddSeconds(-30)));
        ehr = await FhirTestServer.StartAsync(ehrResources);
        var workflows = Directory.CreateDirectory(Path.Combine(data, "workflows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(workflows, "booked.json"), Journey);
        server = new ServerFactory(data, workflows, new StringWriter(), new Dictionary<string, string>
        {
            ["Fhir:Server:BaseUrl"] = ehr.BaseUrl.ToString(),
            ["Fhir:Subscriptions:ehr:Secret"] = "ehr-secret",
        });
        client = server.CreateClient();
    }

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        await server.DisposeAsync();
        await ehr.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }

    private static Appointment Booking(string id, Appointment.AppointmentStatus status, DateTimeOffset lastUpdated) => new()
    {
        Id = id,
        Meta = new Meta { VersionId = "1", LastUpdated = lastUpdated },
        Status = status,
        Participant = [new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/p1"), Status = ParticipationStatus.Accepted }],
    };

    // A Backport event-notification in `empty` payload mode: event number only, no focus, no resource.
    private async Task<HttpStatusCode> PostEmptyAsync(long number)
    {
        var body = """{"resourceType":"Bundle","type":"history","entry":[{"fullUrl":"urn:uuid:s","resource":{"resourceType":"Parameters","parameter":["""
            + """{"name":"status","valueCode":"active"},{"name":"type","valueCode":"event-notification"},"""
            + """{"name":"notification-event","part":[{"name":"event-number","valueString":""" + "\"" + number + "\"" + "}]}]}}]}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/subscriptions/ehr") { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer ehr-secret");
        return (await client.SendAsync(request)).StatusCode;
    }

    private async Task<List<string?>> StartedForAsync(int expected)
    {
        var store = server.Services.GetRequiredService<IWorkflowStore>();
        List<string?> started = [];
        for (var i = 0; i < 50 && started.Count < expected; i++)
        {
            await System.Threading.Tasks.Task.Delay(100);
            started = (await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "booked-appointment" })).Items.Select(x => x.CorrelationId).Order().ToList();
        }

        return started;
    }

    [Fact]
    public async System.Threading.Tasks.Task EmptyNotifications_SearchWhatChanged_AndStartOnePerResourceVersion()
    {
        Assert.Equal(HttpStatusCode.OK, await PostEmptyAsync(1));
        Assert.Equal(["Appointment/new1"], await StartedForAsync(1));

        // The EHR books another appointment; the next search (since the previous one, with overlap) finds new1 again
        // and new2: only new2 starts.
        ehr.Add(Booking("new2", Appointment.AppointmentStatus.Booked, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, await PostEmptyAsync(2));

        Assert.Equal(["Appointment/new1", "Appointment/new2"], await StartedForAsync(2));
        await System.Threading.Tasks.Task.Delay(300);
        Assert.Equal(2, (await server.Services.GetRequiredService<IWorkflowStore>().ListInstancesAsync(new InstanceQuery { DefinitionId = "booked-appointment" })).TotalCount);
    }
}
