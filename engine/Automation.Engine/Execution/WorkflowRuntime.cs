using Automation.Engine.Outbox;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Engine.Execution;

/// <summary>
/// Runs workflows durably: every transition (instance state, bookmarks, timers, journal) is committed in one
/// transaction before its effects are acted on (timers scheduled, stimuli delivered, events published). Resumption is
/// by bookmark id or stimulus hash, never by scanning instances, and optimistic concurrency makes each bookmark resume
/// at most once even when several nodes race.
/// </summary>
public sealed partial class WorkflowRuntime
{
    private const int MaxConflictRetries = 8;
    private const int MaxEventDepth = 8;

    private readonly IWorkflowStore store;
    private readonly WorkflowInvoker invoker;
    private readonly TimeProvider timeProvider;
    private readonly IdGenerator ids;
    private readonly WorkflowEngineOptions options;
    private readonly IReadOnlyList<IWorkflowTimerScheduler> schedulers;
    private readonly ILogger logger;
    private readonly OutboxSignal? outboxSignal;

    /// <summary>Creates the runtime.</summary>
    /// <param name="store">The store.</param>
    /// <param name="invoker">The in-memory runner.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="ids">Id generator.</param>
    /// <param name="options">Engine options.</param>
    /// <param name="schedulers">Timer schedulers to notify after commits (none in the CLI).</param>
    /// <param name="logger">Logs ids only.</param>
    /// <param name="outboxSignal">Woken after a commit that queued outbox messages, so the relay delivers at once.</param>
    public WorkflowRuntime(
        IWorkflowStore store,
        WorkflowInvoker invoker,
        TimeProvider timeProvider,
        IdGenerator ids,
        WorkflowEngineOptions options,
        IEnumerable<IWorkflowTimerScheduler> schedulers,
        ILogger<WorkflowRuntime>? logger = null,
        OutboxSignal? outboxSignal = null)
    {
        this.outboxSignal = outboxSignal;
        this.store = store;
        this.invoker = invoker;
        this.timeProvider = timeProvider;
        this.ids = ids;
        this.options = options;
        this.schedulers = schedulers.ToList();
        this.logger = logger ?? NullLogger<WorkflowRuntime>.Instance;
    }

    /// <summary>Starts an instance of a definition version, commits it, then acts on its effects.</summary>
    /// <param name="definition">The definition version (it must be stored for the instance to resume later).</param>
    /// <param name="start">Input, correlation id, trigger activity.</param>
    /// <param name="cancellationToken">Cancels the run; nothing is committed then.</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowValidationException">The definition is invalid; nothing is stored.</exception>
    public Task<WorkflowRunResult> StartAsync(WorkflowDefinition definition, StartWorkflowOptions? start = null, CancellationToken cancellationToken = default) =>
        StartCoreAsync(definition, start, 0, cancellationToken);

    /// <summary>Resumes a bookmark. Returns <c>null</c> when the bookmark no longer exists (already resumed,
    /// instance cancelled), so a late or repeated stimulus is harmless.</summary>
    /// <param name="bookmarkId">The bookmark id.</param>
    /// <param name="input">The stimulus payload handed to the activity.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The result, or <c>null</c>.</returns>
    public Task<WorkflowRunResult?> ResumeAsync(string bookmarkId, object? input = null, CancellationToken cancellationToken = default) =>
        ResumeCoreAsync(bookmarkId, input, 0, cancellationToken);

    /// <summary>
    /// Delivers a stimulus: resumes every bookmark with its hash (and correlation id), and starts every published
    /// workflow whose trigger has the hash. When nothing matches, the stimulus is queued for
    /// <see cref="WorkflowEngineOptions.StimulusTimeToLive"/> so a bookmark committed just after still receives it.
    /// </summary>
    /// <param name="activityType">The activity type the stimulus is for, for example <c>Elsa.Event</c>.</param>
    /// <param name="payload">The stimulus payload the hash is computed from (for events, <see cref="EventPayload"/>).</param>
    /// <param name="correlationId">Only bookmarks with this correlation id are resumed, when set.</param>
    /// <param name="input">Data handed to resumed or started activities.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The runs that resulted.</returns>
    public Task<IReadOnlyList<WorkflowRunResult>> TriggerAsync(string activityType, object payload, string? correlationId, object? input, CancellationToken cancellationToken = default) =>
        TriggerCoreAsync(activityType, payload, correlationId, input, 0, cancellationToken);

    /// <summary>Resumes the bookmarks waiting for a stimulus, and only those: no workflow starts and nothing is queued
    /// when none waits (for stimuli that must not reach journeys started after them).</summary>
    /// <param name="activityType">The waiting activity's type.</param>
    /// <param name="payload">The stimulus payload the hash is computed from.</param>
    /// <param name="correlationId">Only bookmarks with this correlation id, when set.</param>
    /// <param name="input">Handed to the resumed activities.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The runs that resulted.</returns>
    public async Task<IReadOnlyList<WorkflowRunResult>> ResumeWaitingAsync(string activityType, object payload, string? correlationId, object? input, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityType);
        ArgumentNullException.ThrowIfNull(payload);
        var results = new List<WorkflowRunResult>();
        await ResumeMatchingAsync(BookmarkHasher.Hash(activityType, payload), correlationId, input, 0, results, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>Publishes a named event (as <c>Elsa.PublishEvent</c> does).</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="correlationId">Only instances with this correlation id are resumed, when set.</param>
    /// <param name="payload">The event payload (the <c>Result</c> of the resumed <c>Elsa.Event</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The runs that resulted.</returns>
    public Task<IReadOnlyList<WorkflowRunResult>> PublishEventAsync(string eventName, string? correlationId, object? payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return TriggerCoreAsync("Elsa.Event", new EventPayload(eventName), correlationId, payload, 0, cancellationToken);
    }

    /// <summary>Cancels an instance: its bookmarks and timers are dropped.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The state after cancelling, or <c>null</c> when the instance does not exist.</returns>
    public async Task<WorkflowState?> CancelAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var instanceLock = await store.LockInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
            var state = await store.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (state is null || state.Status is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled)
            {
                return state;
            }

            var expected = state.Revision;
            state.Status = WorkflowStatus.Cancelled;
            state.Bookmarks.Clear();
            state.JoinTokens.Clear();
            state.FinishedAt = state.UpdatedAt = timeProvider.GetUtcNow();
            try
            {
                await store.CommitAsync(new WorkflowCommit(state, expected, []), cancellationToken).ConfigureAwait(false);
                LogCancelled(instanceId);
                return state;
            }
            catch (WorkflowConcurrencyException) when (attempt < MaxConflictRetries)
            {
                // Another run moved the instance on; read it again.
            }
        }
    }

    /// <summary>Resumes every timer due now, a batch (<see cref="WorkflowEngineOptions.ResumeBatchSize"/>) at a time (see
    /// <see cref="ResumeBatchAsync"/>): at start to catch up on timers that fell due while the host was down, and when
    /// many timers fall due together. Timers that fall due while it runs may be resumed in the same call.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many timers were resumed.</returns>
    public async Task<int> ResumeDueTimersAsync(CancellationToken cancellationToken = default)
    {
        // A page at a time, after the previous page's last timer: memory holds two pages however many timers fell due,
        // and a timer that cannot be resumed (its instance moved on) is passed over rather than listed again. Two pages
        // are in flight at once, so one runs while the other waits on the database. An instance with timers on both
        // pages is resumed by one; the other's batch commit is refused for it, and it is then resumed on its own.
        var now = timeProvider.GetUtcNow();
        var take = Math.Max(1, options.ResumeBatchSize);
        (DateTimeOffset, string)? after = null;
        var resumed = 0;
        Task<IReadOnlyList<WorkflowRunResult>>? previous = null;
        try
        {
            while (true)
            {
                var page = await store.ListDueTimersAsync(now, after, take, cancellationToken).ConfigureAwait(false);
                var current = page.Count > 0 ? ResumeBatchAsync(page, cancellationToken) : null;
                if (previous is not null)
                {
                    resumed += (await previous.ConfigureAwait(false)).Count;
                }

                previous = current;
                if (page.Count < take)
                {
                    break;
                }

                after = (page[^1].ResumeAt!.Value, page[^1].Id);
            }

            if (previous is not null)
            {
                resumed += (await previous.ConfigureAwait(false)).Count;
                previous = null;
            }

            return resumed;
        }
        finally
        {
            if (previous is not null)
            {
                // A failure elsewhere ends the call; the page still running finishes (or fails) before it returns, so no
                // run outlives the call and no failure goes unobserved.
                await ((Task)previous).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Resumes many bookmarks (without stimulus input) and commits the runs in one transaction, instead of a lock, a
    /// read and a commit per instance. Optimistic: the instances are not locked while they run; when any of them moved
    /// on meanwhile (its revision changed), the batch's commit is refused, the runs of the untouched instances are
    /// committed again as they are, and the moved ones are resumed on their own with the instance locked (usually finding
    /// their bookmark consumed). Nothing of a refused run is committed (its outbox messages neither), so no message is
    /// lost or doubled; audit records a refused run appended stay, as with any optimistic retry.
    /// </summary>
    /// <param name="bookmarks">The bookmarks, for example timers from <see cref="IWorkflowStore.ListDueTimersAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the runs; nothing is committed then.</param>
    /// <returns>The runs that resulted (bookmarks already consumed give none).</returns>
    public async Task<IReadOnlyList<WorkflowRunResult>> ResumeBatchAsync(IReadOnlyList<Bookmark> bookmarks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bookmarks);

        // One bookmark per instance in the batch; another bookmark of the same instance is resumed on its own afterwards.
        var first = bookmarks.DistinctBy(b => b.InstanceId, StringComparer.Ordinal).ToList();
        var later = bookmarks.Except(first).ToList();
        // Compiled once per definition version for the batch: the compiler's own cache keys on the whole document, which
        // costs a serialization of it per lookup.
        var workflows = new System.Collections.Concurrent.ConcurrentDictionary<string, Task<CompiledWorkflow>>(StringComparer.Ordinal);
        var runs = new (WorkflowRunResult Result, long Expected)?[first.Count];
        await Parallel.ForAsync(0, first.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.BatchParallelism), CancellationToken = cancellationToken }, async (i, token) =>
        {
            var bookmark = first[i];
            var state = await store.GetInstanceAsync(bookmark.InstanceId, token).ConfigureAwait(false);
            if (state is null || state.Status != WorkflowStatus.Suspended || !state.Bookmarks.Exists(b => b.Id == bookmark.Id))
            {
                return;
            }

            var workflow = await workflows.GetOrAdd(state.DefinitionVersionId, CompileStoredAsync).ConfigureAwait(false);
            var expected = state.Revision;
            runs[i] = (await invoker.ResumeCompiledAsync(workflow, state, bookmark, null, token).ConfigureAwait(false), expected);
        }).ConfigureAwait(false);

        async Task<CompiledWorkflow> CompileStoredAsync(string versionId)
        {
            var definition = await store.GetDefinitionVersionAsync(versionId, CancellationToken.None).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Instances in the batch run definition version {versionId}, which is not stored.");
            return invoker.Compile(definition);
        }

        var done = runs.Where(r => r is not null).Select(r => r!.Value).ToList();
        var results = new List<WorkflowRunResult>(bookmarks.Count);
        for (var attempt = 0; done.Count > 0; attempt++)
        {
            try
            {
                await store.CommitBatchAsync(done.ConvertAll(r => new WorkflowCommit(r.Result.State, r.Expected, r.Result.Journal) { Outbox = r.Result.Outbox }), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (WorkflowConcurrencyException) when (attempt < MaxConflictRetries)
            {
                // Runs of instances nobody touched meanwhile are still right: commit those again; the others are resumed
                // on their own, locked (usually finding their timer consumed by whoever moved them on).
                LogBatchConflict(done.Count);
                var moved = await MovedOnAsync(done, cancellationToken).ConfigureAwait(false);
                later.AddRange(first.Where(b => moved.Contains(b.InstanceId)));
                done = done.Where(r => !moved.Contains(r.Result.InstanceId)).ToList();
            }
        }

        foreach (var (result, _) in done)
        {
            LogTransition(result.InstanceId, result.State.DefinitionId, result.Status);
            results.Add(result);
        }

        await AfterBatchCommitAsync(results, cancellationToken).ConfigureAwait(false);

        foreach (var bookmark in later)
        {
            if (await ResumeAsync(bookmark.Id, null, cancellationToken).ConfigureAwait(false) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>Starts many instances of one definition and commits them in one transaction (bulk journeys), then acts
    /// on their effects. All or nothing: when the commit fails, no instance of the batch exists.</summary>
    /// <param name="definition">The definition version.</param>
    /// <param name="starts">One entry per instance.</param>
    /// <param name="cancellationToken">Cancels the run; nothing is committed then.</param>
    /// <returns>The results, in order.</returns>
    /// <exception cref="WorkflowConcurrencyException">An instance id of the batch already exists.</exception>
    public async Task<IReadOnlyList<WorkflowRunResult>> StartBatchAsync(WorkflowDefinition definition, IReadOnlyList<StartWorkflowOptions> starts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(starts);
        var workflow = invoker.Compile(definition);
        var runs = new WorkflowRunResult[starts.Count];

        // Runs are independent until the commit; their activities mostly await I/O, so many run at once.
        await Parallel.ForAsync(0, starts.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.BatchParallelism), CancellationToken = cancellationToken }, async (i, token) =>
            runs[i] = await invoker.StartCompiledAsync(definition, workflow, starts[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        var results = runs.ToList();
        await store.CommitBatchAsync(results.ConvertAll(r => new WorkflowCommit(r.State, 0, r.Journal) { Outbox = r.Outbox }), cancellationToken).ConfigureAwait(false);
        await AfterBatchCommitAsync(results, cancellationToken).ConfigureAwait(false);
        return results;
    }

    private async Task<WorkflowRunResult> StartCoreAsync(WorkflowDefinition definition, StartWorkflowOptions? start, int depth, CancellationToken cancellationToken)
    {
        var result = await invoker.StartAsync(definition, start, cancellationToken).ConfigureAwait(false);
        await store.CommitAsync(new WorkflowCommit(result.State, 0, result.Journal) { Outbox = result.Outbox }, cancellationToken).ConfigureAwait(false);
        LogTransition(result.InstanceId, definition.DefinitionId, result.Status);
        await AfterCommitAsync(result, depth, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<WorkflowRunResult?> ResumeCoreAsync(string bookmarkId, object? input, int depth, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(bookmarkId);
        for (var attempt = 0; ; attempt++)
        {
            var bookmark = await store.GetBookmarkAsync(bookmarkId, cancellationToken).ConfigureAwait(false);
            if (bookmark is null)
            {
                return null;
            }

            WorkflowRunResult result;

            // One run of an instance at a time: a racing resume of the same bookmark waits, then finds it gone. The
            // lock is released before effects are dispatched, since they may resume this same instance.
            await using (await store.LockInstanceAsync(bookmark.InstanceId, cancellationToken).ConfigureAwait(false))
            {
                var state = await store.GetInstanceAsync(bookmark.InstanceId, cancellationToken).ConfigureAwait(false);
                if (state is null || state.Status != WorkflowStatus.Suspended || !state.Bookmarks.Exists(b => b.Id == bookmarkId))
                {
                    return null;
                }

                var definition = await store.GetDefinitionVersionAsync(state.DefinitionVersionId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Instance {state.InstanceId} runs definition version {state.DefinitionVersionId}, which is not stored.");
                var expected = state.Revision;
                result = await invoker.ResumeAsync(definition, state, bookmark, input, cancellationToken).ConfigureAwait(false);
                try
                {
                    await store.CommitAsync(new WorkflowCommit(result.State, expected, result.Journal) { Outbox = result.Outbox }, cancellationToken).ConfigureAwait(false);
                }
                catch (WorkflowConcurrencyException) when (attempt < MaxConflictRetries)
                {
                    LogConflict(state.InstanceId, bookmarkId);
                    continue;
                }
            }

            LogTransition(result.InstanceId, result.State.DefinitionId, result.Status);
            await AfterCommitAsync(result, depth, cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    private async Task<IReadOnlyList<WorkflowRunResult>> TriggerCoreAsync(string activityType, object payload, string? correlationId, object? input, int depth, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityType);
        ArgumentNullException.ThrowIfNull(payload);
        var hash = BookmarkHasher.Hash(activityType, payload);
        var results = new List<WorkflowRunResult>();
        await ResumeMatchingAsync(hash, correlationId, input, depth, results, cancellationToken).ConfigureAwait(false);

        foreach (var definition in await store.ListDefinitionsAsync(VersionOptions.Published, null, cancellationToken).ConfigureAwait(false))
        {
            IReadOnlyList<WorkflowTrigger> triggers;
            try
            {
                triggers = invoker.GetTriggers(definition);
            }
            catch (WorkflowValidationException)
            {
                continue;
            }

            if (triggers.All(t => t.Hash != hash))
            {
                continue;
            }

            if (correlationId is not null && definition.SingleActivePerCorrelation
                && (await store.FindActiveCorrelationIdsAsync(definition.DefinitionId, [correlationId], cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                LogReentrySkipped(definition.DefinitionId, correlationId);
                continue;
            }

            foreach (var trigger in triggers.Where(t => t.Hash == hash))
            {
                var start = new StartWorkflowOptions
                {
                    CorrelationId = correlationId,
                    TriggerActivityId = trigger.ActivityId,
                    Input = new Dictionary<string, object?> { ["payload"] = input },
                };
                results.Add(await StartCoreAsync(definition, start, depth, cancellationToken).ConfigureAwait(false));
            }
        }

        if (results.Count > 0)
        {
            return results;
        }

        // Nothing waits yet: queue it, then look again to close the race with a bookmark committed meanwhile.
        var now = timeProvider.GetUtcNow();
        var stimulus = new Stimulus
        {
            Id = ids.NewId(),
            Hash = hash,
            CorrelationId = correlationId,
            Input = input,
            CreatedAt = now,
            ExpiresAt = now + options.StimulusTimeToLive,
        };
        await store.EnqueueStimulusAsync(stimulus, cancellationToken).ConfigureAwait(false);
        var late = await store.FindBookmarksAsync(hash, correlationId, cancellationToken).ConfigureAwait(false);
        if (late.Count > 0 && await store.DeleteStimulusAsync(stimulus.Id, cancellationToken).ConfigureAwait(false))
        {
            await ResumeMatchingAsync(hash, correlationId, input, depth, results, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private async Task ResumeMatchingAsync(string hash, string? correlationId, object? input, int depth, List<WorkflowRunResult> results, CancellationToken cancellationToken)
    {
        foreach (var bookmark in await store.FindBookmarksAsync(hash, correlationId, cancellationToken).ConfigureAwait(false))
        {
            if (await ResumeCoreAsync(bookmark.Id, input, depth, cancellationToken).ConfigureAwait(false) is { } result)
            {
                results.Add(result);
            }
        }
    }

    private async Task<HashSet<string>> MovedOnAsync(IReadOnlyList<(WorkflowRunResult Result, long Expected)> runs, CancellationToken cancellationToken)
    {
        var moved = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.BatchParallelism), CancellationToken = cancellationToken }, async (run, token) =>
        {
            if ((await store.GetInstanceAsync(run.Result.InstanceId, token).ConfigureAwait(false))?.Revision != run.Expected)
            {
                moved.Add(run.Result.InstanceId);
            }
        }).ConfigureAwait(false);
        return [.. moved];
    }

    /// <summary>What committed runs set off, for a batch: one read tells which new bookmarks have a queued stimulus.</summary>
    private async Task AfterBatchCommitAsync(IReadOnlyList<WorkflowRunResult> results, CancellationToken cancellationToken)
    {
        var hashes = results.SelectMany(r => r.NewBookmarks).Where(b => b.ResumeAt is null).Select(b => b.Hash).ToHashSet(StringComparer.Ordinal);
        var queued = await store.FindStimulusHashesAsync(hashes, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            await AfterCommitAsync(result, 0, cancellationToken, queued).ConfigureAwait(false);
        }
    }

    /// <param name="result">The committed run.</param>
    /// <param name="depth">How deep in event dispatch this is.</param>
    /// <param name="cancellationToken">Cancels the dispatch.</param>
    /// <param name="queued">When known, the bookmark hashes that have a queued stimulus; others are not looked up.</param>
    private async Task AfterCommitAsync(WorkflowRunResult result, int depth, CancellationToken cancellationToken, IReadOnlySet<string>? queued = null)
    {
        if (result.Outbox.Count > 0)
        {
            outboxSignal?.Pulse();
        }

        foreach (var bookmark in result.NewBookmarks)
        {
            if (!result.State.Bookmarks.Contains(bookmark))
            {
                continue;
            }

            if (bookmark.ResumeAt is not null)
            {
                foreach (var scheduler in schedulers)
                {
                    await scheduler.ScheduleAsync(bookmark, cancellationToken).ConfigureAwait(false);
                }
            }
            else if ((queued is null || queued.Contains(bookmark.Hash))
                     && await store.TakeStimulusAsync(bookmark.Hash, bookmark.CorrelationId, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } stimulus)
            {
                await ResumeCoreAsync(bookmark.Id, stimulus.Input, depth, cancellationToken).ConfigureAwait(false);
            }
        }

        if (depth >= MaxEventDepth)
        {
            if (result.PublishedEvents.Count > 0)
            {
                LogEventDepth(result.InstanceId, MaxEventDepth);
            }

            return;
        }

        foreach (var published in result.PublishedEvents)
        {
            await TriggerCoreAsync("Elsa.Event", new EventPayload(published.EventName), published.CorrelationId, published.Payload, depth + 1, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Instance {InstanceId} of {DefinitionId} is {Status}")]
    private partial void LogTransition(string instanceId, string definitionId, WorkflowStatus status);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Instance {InstanceId} changed while resuming bookmark {BookmarkId}; retrying")]
    private partial void LogConflict(string instanceId, string bookmarkId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Instance {InstanceId} cancelled")]
    private partial void LogCancelled(string instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Trigger did not start {DefinitionId}: correlation {CorrelationId} is already in it (re-entry rule)")]
    private partial void LogReentrySkipped(string definitionId, string correlationId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Instance {InstanceId} published events at nesting depth {Depth}; not dispatched to stop an event loop")]
    private partial void LogEventDepth(string instanceId, int depth);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "A batch of {Count} resumed instances met a concurrent change; resuming them one by one")]
    private partial void LogBatchConflict(int count);
}
