using System.Collections.Concurrent;
using System.Globalization;
using Automation.Activities.Segments.Evaluation;
using Automation.Activities.Segments.Repository;
using Automation.Engine.Audience;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Server.Segments;

namespace Automation.Server.Journeys;

/// <summary>
/// Enters a segment's patients into a journey in the background: the population index streams the segment's members
/// in a stable order, <see cref="AudienceEntry"/> creates the instances in batches and records progress after each
/// batch. A run's id is <c>{segmentId}~{stamp}</c>, so a run that was going when the server stopped is resumed at start
/// from its saved position (<see cref="ResumeUnfinishedAsync"/>). Members per batch: <c>Automation:Journeys:AudienceBatchSize</c>
/// (default 500, 1 to 100,000).
/// </summary>
internal sealed partial class AudienceService(
    IWorkflowStore store,
    WorkflowRuntime runtime,
    SegmentRepository segments,
    SegmentPopulation population,
    TimeProvider clock,
    IEnumerable<IAudienceScreen> screens,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILogger<AudienceService> logger)
{
    private const string BatchSizeKey = "Automation:Journeys:AudienceBatchSize";
    private readonly ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);
    private readonly int batchSize = configuration[BatchSizeKey] is not { Length: > 0 } configured
        ? 500
        : int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 100_000
            ? size
            : throw new InvalidOperationException($"{BatchSizeKey} must be a whole number from 1 to 100000 (was '{configured}').");

    /// <summary>Starts (or, for a known unfinished run id, resumes) an audience entry.</summary>
    /// <param name="definitionId">The journey.</param>
    /// <param name="segmentId">The segment whose members enter.</param>
    /// <param name="runId">A run id to resume; a new one is made when <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the checks, not the run.</param>
    /// <returns>The run id, or the problem (field and message).</returns>
    public async Task<(string? RunId, string? Field, string? Problem)> StartAsync(string definitionId, string segmentId, string? runId, CancellationToken cancellationToken)
    {
        var definition = await store.FindDefinitionAsync(definitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false);
        if (definition is null)
        {
            return (null, "definitionId", $"The journey '{definitionId}' has no published version.");
        }

        if (await segments.GetCompiledAsync(segmentId, cancellationToken).ConfigureAwait(false) is null)
        {
            return (null, "segment", $"No segment has the id '{segmentId}'.");
        }

        if (!population.IsAvailable)
        {
            return (null, "segment", "Audience entry needs an NDJSON population: the patient directory, or with a FHIR server its bulk export (Fhir:PopulationExport).");
        }

        runId ??= segmentId + "~" + clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        if (SegmentOf(runId) != segmentId)
        {
            return (null, "runId", $"Run '{runId}' belongs to another segment.");
        }

        var recorded = await store.GetAudienceRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (recorded is not null && recorded.DefinitionId != definitionId)
        {
            return (null, "runId", $"Run '{runId}' belongs to the journey '{recorded.DefinitionId}'.");
        }

        if (recorded is null)
        {
            // Recorded before the caller hears of it, so the run's address answers at once.
            await store.SaveAudienceRunAsync(AudienceRun.Begin(runId, definition, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }

        _ = running.GetOrAdd(runId, id => Task.Run(() => RunAsync(id, definitionId, segmentId, lifetime.ApplicationStopping)));
        return (runId, null, null);
    }

    /// <summary>Resumes runs that were going when the server stopped.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>How many were resumed.</returns>
    public async Task<int> ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        foreach (var run in await store.ListAudienceRunsAsync(null, 100, cancellationToken).ConfigureAwait(false))
        {
            if (run.Status != "completed" && SegmentOf(run.RunId) is { } segmentId
                && (await StartAsync(run.DefinitionId, segmentId, run.RunId, cancellationToken).ConfigureAwait(false)).RunId is not null)
            {
                resumed++;
            }
        }

        return resumed;
    }

    /// <summary>Waits for a run started by this process (tests, the demo).</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>A task that completes with the run.</returns>
    public Task WaitAsync(string runId) => running.TryGetValue(runId, out var task) ? task : Task.CompletedTask;

    private static string? SegmentOf(string runId) => runId.IndexOf('~', StringComparison.Ordinal) is > 0 and var at ? runId[..at] : null;

    private async Task RunAsync(string runId, string definitionId, string segmentId, CancellationToken cancellationToken)
    {
        try
        {
            var definition = await store.FindDefinitionAsync(definitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The journey '{definitionId}' was retracted.");
            var segment = await segments.GetCompiledAsync(segmentId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The segment '{segmentId}' was deleted.");
            var index = await population.GetAsync(cancellationToken).ConfigureAwait(false);
            var members = index.Members(segment, SegmentClock.From(clock))
                .Select(id => new AudienceMember(id, new Dictionary<string, object?> { ["patientId"] = id }))
                .ToAsyncEnumerable();
            var run = await new AudienceEntry(store, runtime, clock) { Screen = screens.SingleOrDefault(), BatchSize = batchSize }.RunAsync(runId, definition, members, null, cancellationToken).ConfigureAwait(false);
            LogFinished(runId, definitionId, run.Entered, run.Skipped, run.Excluded);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the saved position lets the next start resume.
        }
        catch (Exception exception)
        {
            LogFailed(exception, runId, definitionId);
            await RecordFailureAsync(runId, exception).ConfigureAwait(false);
        }
        finally
        {
            running.TryRemove(runId, out _);
        }
    }

    // AudienceEntry records its own failures; one before it began (the journey retracted, the segment deleted, no
    // population) would otherwise leave the run "running" for whoever watches it.
    private async Task RecordFailureAsync(string runId, Exception exception)
    {
        try
        {
            if (await store.GetAudienceRunAsync(runId, CancellationToken.None).ConfigureAwait(false) is { Status: "running" } run)
            {
                await store.SaveAudienceRunAsync(run.FailedWith(exception, clock.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception recording)
        {
            LogFailureNotRecorded(recording, runId);
        }
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Audience run {RunId} for {DefinitionId}: {Entered} entered, {Skipped} already in the journey, {Excluded} kept out by the screen (consent)")]
    private partial void LogFinished(string runId, string definitionId, long entered, long skipped, long excluded);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Error, Message = "Audience run {RunId} for {DefinitionId} failed; it resumes from its saved position when started again")]
    private partial void LogFailed(Exception exception, string runId, string definitionId);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Error, Message = "Audience run {RunId} failed, and the failure could not be recorded on the run")]
    private partial void LogFailureNotRecorded(Exception exception, string runId);
}
