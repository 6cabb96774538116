using Quartz;

namespace Automation.Server.Journeys;

/// <summary>
/// Once the journeys folder is imported and published (it starts after the workflow host), runs the appointment sweep
/// when <c>Automation:Journeys:SweepOnStart</c> is on (the default in the embedded demo), so a new user sees reminders
/// start within a minute instead of at the next 06:00.
/// </summary>
internal sealed class JourneyStartupService(ISchedulerFactory schedulers, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Automation:Journeys:SweepOnStart", configuration.GetValue<bool>("Automation:Demo:Enabled")))
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
            await scheduler.TriggerJob(AppointmentSweepJob.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
