using Quartz;

namespace Automation.Server.Journeys;

/// <summary>
/// Once the journeys folder is imported and published (it starts after the workflow host), runs the appointment sweep
/// when <c>Automation:Journeys:SweepOnStart</c> is on (the default in the embedded demo), so a new user sees reminders
/// start within a minute instead of at the next 06:00; resumes audience entries a stop interrupted; and in the demo
/// enters the enrollment and re-engagement audiences.
/// </summary>
internal sealed class JourneyStartupService(ISchedulerFactory schedulers, AudienceService audiences, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Automation:Journeys:SweepOnStart", configuration.GetValue<bool>("Automation:Demo:Enabled")))
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
            await scheduler.TriggerJob(AppointmentSweepJob.Key, cancellationToken).ConfigureAwait(false);
        }

        await audiences.ResumeUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        if (configuration.GetValue<bool>("Automation:Demo:Enabled"))
        {
            // The demo's first start enters the marketing journeys' audiences once (completed runs are not repeated).
            await audiences.StartAsync("enrollment", "turning-65-not-medicare", "turning-65-not-medicare~demo", cancellationToken).ConfigureAwait(false);
            await audiences.StartAsync("re-engagement", "overdue-12-months", "overdue-12-months~demo", cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
