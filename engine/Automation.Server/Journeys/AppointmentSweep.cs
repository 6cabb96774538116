using System.Globalization;
using Automation.Activities.Fhir.Sources;
using Automation.Engine.Audience;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Hl7.Fhir.Model;

namespace Automation.Server.Journeys;

/// <summary>
/// The appointment reminder's daily sweep: every booked appointment starting in the next 7 days that is not yet in the
/// journey enters it, as if the EHR's subscription had announced it. One instance per appointment ever (a fixed instance
/// scope), so daily sweeps and subscription notifications never remind twice.
/// </summary>
internal sealed partial class AppointmentSweep(
    IPatientDataSource source,
    IWorkflowStore store,
    WorkflowRuntime runtime,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<AppointmentSweep> logger)
{
    public const string TriggerType = "Healthcare.FhirSubscriptionTrigger";

    private string DefinitionId => configuration["Automation:Journeys:AppointmentReminder"] is { Length: > 0 } id ? id : "appointment-reminder";

    /// <summary>Runs today's sweep (resuming it if an earlier attempt today stopped half way).</summary>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The run, or <c>null</c> when the journey is not published or has no subscription trigger.</returns>
    public async Task<AudienceRun?> RunAsync(CancellationToken cancellationToken)
    {
        var definition = await store.FindDefinitionAsync(DefinitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false);
        var trigger = definition?.Root.Activities.FirstOrDefault(a => a.Type == TriggerType);
        if (definition is null || trigger is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var horizon = now.AddDays(7);
        var booked = await source.SearchAsync("Appointment", new Dictionary<string, string> { ["status"] = "booked" }, cancellationToken).ConfigureAwait(false);
        var due = booked.OfType<Appointment>()
            .Where(a => a.Start is { } start && start >= now && start <= horizon && a.Id is { Length: > 0 })
            .OrderBy(a => a.Start)
            .Select(a => new AudienceMember(a.Id!, new Dictionary<string, object?>
            {
                ["resource"] = new Dictionary<string, object?> { ["resourceType"] = "Appointment", ["id"] = a.Id, ["status"] = "booked" },
            }))
            .ToList();

        var entry = new AudienceEntry(store, runtime, clock) { TriggerActivityId = trigger.Id, InstanceScope = DefinitionId };
        var run = await entry.RunAsync("appointment-sweep-" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), definition, due.ToAsyncEnumerable(), null, cancellationToken).ConfigureAwait(false);
        LogSwept(due.Count, run.Entered, run.Skipped);
        return run;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Appointment sweep: {Due} booked appointments in the next 7 days, {Entered} entered the reminder journey, {Skipped} already in it")]
    private partial void LogSwept(int due, long entered, long skipped);
}
