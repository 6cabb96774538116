using System.Text;
using Automation.Activities.SecureSend.Recipients;
using Automation.Server.Journeys;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Journeys.Tests;

/// <summary>
/// On PostgreSQL every store of the server (workflow, audit, consent, tracking, segments, recipients, portal, identity,
/// notification inbox) shares one connection pool: a whole journey, from start-up migrations to delivery, never holds
/// more connections than the connection string's Max Pool Size.
/// </summary>
public sealed class ServerConnectionPoolTests : JourneyTestBase
{
    private const int MaxPoolSize = 4;
    private static readonly string Application = "automation-server-" + Guid.NewGuid().ToString("N")[..12];

    private protected override JourneyStore Store { get; } = new PostgresJourneyStore(builder =>
    {
        builder.MaxPoolSize = MaxPoolSize;
        builder.ApplicationName = Application;
    });

    [Fact]
    public async Task AppointmentReminder_FromStartUpToDelivery_HoldsNoMoreConnectionsThanMaxPoolSize()
    {
        var start = T0.AddDays(5).AddHours(1);
        Population.AddRange([Ehr.Patient("ana", "Ana", "ana@example.org"), Ehr.Consent("c-ana", "ana", "TREAT"), Ehr.Appointment("appt-ana", "ana", start)]);
        var connection = (await Store.SettingsAsync())["Automation:Store:ConnectionString"];
        using var sampling = new CancellationTokenSource();
        var sampler = ConnectionSampler.MostAsync(connection, Application, sampling.Token);

        await StartAsync();
        var (certificatePem, _) = JourneyServer.SmimeRecipient("ana@example.org", T0);
        await Server.Services.GetRequiredService<RecipientDirectory>().ImportCertificateAsync(Encoding.ASCII.GetBytes(certificatePem), null);
        var run = await Server.Services.GetRequiredService<AppointmentSweep>().RunAsync(CancellationToken.None);
        await AdvanceToAsync(new DateTimeOffset(2026, 12, 3, 13, 0, 0, TimeSpan.Zero));
        var delivered = await Server.MessagesAsync(Smtp, 1);
        sampling.Cancel();
        var most = await sampler;

        Assert.Equal(1, run!.Entered);
        Assert.Equal(["ana@example.org"], Assert.Single(delivered).To);
        Assert.InRange(most, 1, MaxPoolSize);
    }
}
