using Npgsql;

namespace Automation.Tests.Shared;

/// <summary>Watches, from a connection of its own, how many PostgreSQL connections carry one application name, and keeps
/// the most seen at once until stopped.</summary>
public static class ConnectionSampler
{
    /// <summary>Samples every 5 ms until <paramref name="stop"/> is cancelled, then returns the most connections seen.</summary>
    /// <param name="connectionString">Where to look (its pool settings do not matter: the observer does not pool).</param>
    /// <param name="applicationName">The application name the counted connections carry.</param>
    /// <param name="stop">Ends the sampling.</param>
    public static async Task<long> MostAsync(string connectionString, string applicationName, CancellationToken stop)
    {
        var observing = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "connection-sampler" };
        await using var observer = new NpgsqlConnection(observing.ConnectionString);
        await observer.OpenAsync(CancellationToken.None);
        long most = 0;
        while (true)
        {
            await using (var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", observer))
            {
                count.Parameters.Add(new NpgsqlParameter { Value = applicationName });
                most = Math.Max(most, (long)(await count.ExecuteScalarAsync(CancellationToken.None))!);
            }

            if (stop.IsCancellationRequested)
            {
                return most;
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }
}
