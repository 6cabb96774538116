using Automation.Persistence.Audit;
using Microsoft.Extensions.Options;

namespace Automation.Server.Audit;

/// <summary>Migrates the audit tables before requests are served, then purges records past retention once a day.</summary>
internal sealed partial class AuditLogService(AuditLog log, IOptions<AuditOptions> options, TimeProvider timeProvider, ILogger<AuditLogService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await log.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PurgeEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await log.PurgeAsync(timeProvider.GetUtcNow() - options.Value.Retention, "system", stoppingToken).ConfigureAwait(false);
                LogPurged(removed);
                await Task.Delay(TimeSpan.FromDays(1), timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogPurgeFailed(exception);
                await Task.Delay(TimeSpan.FromHours(1), timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Audit retention purge removed {Count} records")]
    private partial void LogPurged(long count);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Error, Message = "Audit retention purge failed; retrying in an hour")]
    private partial void LogPurgeFailed(Exception exception);
}
