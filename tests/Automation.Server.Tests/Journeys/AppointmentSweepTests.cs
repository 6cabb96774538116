using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Engine.Persistence;
using Automation.Server.Journeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Server.Tests.Journeys;

public sealed class AppointmentSweepTests : IDisposable
{
    private static readonly DateTimeOffset Today = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    private readonly string data = Directory.CreateTempSubdirectory("automation-sweep-").FullName;
    private readonly string workflows = Directory.CreateTempSubdirectory("automation-sweep-workflows-").FullName;
    private readonly FakeTimeProvider clock = new(Today);
    private readonly StringWriter console = new();

    public AppointmentSweepTests()
    {
        var patients = Path.Combine(data, "patients");
        Directory.CreateDirectory(patients);
        File.WriteAllLines(Path.Combine(patients, "Patient.ndjson"),
        [
            """{"resourceType":"Patient","id":"p1","birthDate":"1960-01-01"}""",
            """{"resourceType":"Patient","id":"p2","birthDate":"1970-01-01"}""",
        ]);
        File.WriteAllLines(Path.Combine(patients, "Appointment.ndjson"),
        [
            Appointment("soon", "booked", Today.AddDays(2), "p1"),
            Appointment("later", "booked", Today.AddDays(10), "p1"),
            Appointment("cancelled", "cancelled", Today.AddDays(3), "p2"),
            Appointment("past", "booked", Today.AddDays(-1), "p2"),
            Appointment("edge", "booked", Today.AddDays(7), "p2"),
        ]);
        File.WriteAllText(Path.Combine(workflows, "reminder.json"), ReminderJourney().ToJsonString());
    }

    public void Dispose()
    {
        foreach (var folder in new[] { data, workflows })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    [Fact]
    public async Task Sweep_EntersBookedAppointmentsOfTheNextSevenDaysOnce_AcrossDays()
    {
        await using var server = new ServerFactory(data, workflows, console, new Dictionary<string, string> { ["Automation:Journeys:SweepOnStart"] = "false", ["Automation:Journeys:AppointmentSweepCron"] = "0 0 6 1 1 ? 2099" },
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        (await server.CreateClient().GetAsync("/health/ready")).EnsureSuccessStatusCode();
        var sweep = server.Services.GetRequiredService<AppointmentSweep>();

        var first = await sweep.RunAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(1));
        var second = await sweep.RunAsync(CancellationToken.None);

        Assert.Equal((2L, 0L), (first!.Entered, first.Skipped));
        Assert.Equal((0L, 2L), (second!.Entered, second.Skipped));
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["reminder for edge", "reminder for soon"], lines.Where(l => l.StartsWith("reminder", StringComparison.Ordinal)).Order());
        var instances = await server.Services.GetRequiredService<IWorkflowStore>().ListInstancesAsync(new InstanceQuery { DefinitionId = "appointment-reminder" });
        Assert.Equal(["edge", "soon"], instances.Items.Select(i => i.CorrelationId).Order());
    }

    [Fact]
    public async Task SweepOnStart_RunsOnceTheJourneysArePublished()
    {
        await using var server = new ServerFactory(data, workflows, console, new Dictionary<string, string> { ["Automation:Journeys:SweepOnStart"] = "true", ["Automation:Journeys:AppointmentSweepCron"] = "0 0 6 1 1 ? 2099" },
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        (await server.CreateClient().GetAsync("/health/ready")).EnsureSuccessStatusCode();
        var store = server.Services.GetRequiredService<IWorkflowStore>();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        long count;
        while ((count = (await store.ListInstancesAsync(new InstanceQuery { DefinitionId = "appointment-reminder", Take = 0 })).TotalCount) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, count);
    }

    private static string Appointment(string id, string status, DateTimeOffset start, string patient) =>
        new JsonObject
        {
            ["resourceType"] = "Appointment",
            ["id"] = id,
            ["status"] = status,
            ["start"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["end"] = start.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["participant"] = new JsonArray(new JsonObject { ["actor"] = new JsonObject { ["reference"] = "Patient/" + patient }, ["status"] = "accepted" }),
        }.ToJsonString();

    private static JsonObject ReminderJourney() => new()
    {
        ["definitionId"] = "appointment-reminder",
        ["name"] = "Reminder (test)",
        ["root"] = new JsonObject
        {
            ["type"] = "Elsa.Flowchart",
            ["id"] = "root",
            ["activities"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "trigger", ["type"] = "Healthcare.FhirSubscriptionTrigger", ["version"] = 1,
                    ["subscription"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "ehr-appointments" } },
                    ["resourceType"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "Appointment" } },
                },
                new JsonObject
                {
                    ["id"] = "say", ["type"] = "Elsa.WriteLine", ["version"] = 1,
                    ["text"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "return 'reminder for ' + outputs.trigger.Resource.id;" } },
                }),
            ["connections"] = new JsonArray(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = "trigger", ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = "say", ["port"] = "In" },
            }),
        },
    };
}
