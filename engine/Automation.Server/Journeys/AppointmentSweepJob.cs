using Quartz;

namespace Automation.Server.Journeys;

/// <summary>Runs the appointment sweep on its daily schedule (<c>Automation:Journeys:AppointmentSweepCron</c>).</summary>
[DisallowConcurrentExecution]
internal sealed class AppointmentSweepJob(AppointmentSweep sweep) : IJob
{
    public static readonly JobKey Key = new("appointment-sweep", "journeys");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sweep.RunAsync(cancellationToken).ConfigureAwait(false);
}
