using System.Text;
using Automation.Activities.SecureSend.Recipients;
using Automation.Server.Journeys;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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
        var sampler = SampleConnectionsAsync(connection, sampling.Token);

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

    /// <summary>The most server connections open at once, sampled from a connection of its own until cancelled.</summary>
    private static async Task<long> SampleConnectionsAsync(string connection, CancellationToken cancellationToken)
    {
        var observing = new NpgsqlConnectionStringBuilder(connection) { Pooling = false, ApplicationName = "observer" };
        await using var observer = new NpgsqlConnection(observing.ConnectionString);
        await observer.OpenAsync(CancellationToken.None);
        long most = 0;
        while (true)
        {
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", observer))
            {
                count.Parameters.Add(new NpgsqlParameter { Value = Application });
                most = Math.Max(most, (long)(await count.ExecuteScalarAsync(CancellationToken.None))!);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return most;
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }
}
