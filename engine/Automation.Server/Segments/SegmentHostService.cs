using Automation.Activities.Segments.Repository;
using Microsoft.Extensions.Options;

namespace Automation.Server.Segments;

/// <summary>Creates the segment table, seeds it from <c>Automation:SegmentsPath</c> (default: the <c>segments</c>
/// folder of <c>Automation:WorkflowsPath</c>) and loads the catalogue, before the workflows are published.</summary>
internal sealed partial class SegmentHostService(
    SegmentRepository repository,
    IOptions<Hosting.AutomationServerOptions> options,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<SegmentHostService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seed = configuration["Automation:SegmentsPath"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : options.Value.WorkflowsPath is { Length: > 0 } workflows ? Path.Combine(Path.GetFullPath(workflows, environment.ContentRootPath), "segments") : null;
        foreach (var problem in await repository.InitializeAsync(seed, cancellationToken).ConfigureAwait(false))
        {
            LogSeedSkipped(problem);
        }

        LogSegmentsLoaded(repository.Ids.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Segment seed file skipped: {Problem}")]
    private partial void LogSeedSkipped(string problem);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "{Count} segments loaded")]
    private partial void LogSegmentsLoaded(int count);
}
