using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;

namespace Automation.Engine.Persistence;

/// <summary>
/// The one store contract: definitions (draft and published versions), instances, bookmarks (and timers, which are
/// bookmarks with a due time), journal and the stimulus queue. Implemented on SQLite (embedded default) and
/// PostgreSQL; one contract test suite runs against both. Every method is safe to call concurrently.
/// </summary>
public interface IWorkflowStore
{
    /// <summary>Creates or upgrades the schema. Idempotent; called at start.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a definition version (by <see cref="WorkflowDefinition.Id"/>). When the version is
    /// latest (or published), the flag is cleared on the definition's other versions in the same transaction.</summary>
    /// <param name="definition">The version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task SaveDefinitionAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Finds one version of a definition.</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="versionOptions">Which version; AllVersions returns the latest.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The version, or <c>null</c>.</returns>
    Task<WorkflowDefinition?> FindDefinitionAsync(string definitionId, VersionOptions versionOptions, CancellationToken cancellationToken = default);

    /// <summary>Reads a version by its version id.</summary>
    /// <param name="versionId">The version id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The version, or <c>null</c>.</returns>
    Task<WorkflowDefinition?> GetDefinitionVersionAsync(string versionId, CancellationToken cancellationToken = default);

    /// <summary>Lists definition versions, ordered by definition id then version.</summary>
    /// <param name="versionOptions">Latest, Published or AllVersions.</param>
    /// <param name="definitionId">Only this definition, when set.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The versions.</returns>
    Task<IReadOnlyList<WorkflowDefinition>> ListDefinitionsAsync(VersionOptions versionOptions, string? definitionId = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every version of a definition.</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many versions were deleted.</returns>
    Task<int> DeleteDefinitionAsync(string definitionId, CancellationToken cancellationToken = default);

    /// <summary>Deletes one version; when it was the latest, the newest remaining version becomes latest.</summary>
    /// <param name="versionId">The version id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> DeleteDefinitionVersionAsync(string versionId, CancellationToken cancellationToken = default);

    /// <summary>Takes the exclusive right to run an instance until the returned handle is disposed, so two runs of one
    /// instance never execute (and repeat side effects) at the same time: a PostgreSQL advisory lock across processes,
    /// an in-process lock for SQLite (which serves one process). The revision check of <see cref="CommitAsync"/> stays
    /// the last line of defence.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lock; dispose it to release.</returns>
    Task<IAsyncDisposable> LockInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Commits one transition atomically: instance document, replacement bookmark set, journal entries.</summary>
    /// <param name="commit">The transition.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task; on success <see cref="WorkflowState.Revision"/> is advanced.</returns>
    /// <exception cref="WorkflowConcurrencyException">The stored revision is not the expected one.</exception>
    Task CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Commits many transitions in one transaction and as few round trips as the database allows
    /// (bulk journeys). All or nothing.</summary>
    /// <param name="commits">The transitions.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    /// <exception cref="WorkflowConcurrencyException">One of the instances is not at its expected revision.</exception>
    Task CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default);

    /// <summary>Reads an instance's state.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The state with its current revision, or <c>null</c>.</returns>
    Task<WorkflowState?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Lists instances, newest first.</summary>
    /// <param name="query">Filter and page.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page.</returns>
    Task<InstancePage> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes an instance with its bookmarks and journal.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it existed.</returns>
    Task<bool> DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Finds bookmarks by stimulus hash through the index. With a correlation id, only bookmarks carrying
    /// that correlation id match; without one, all bookmarks with the hash match.</summary>
    /// <param name="hash">The stimulus hash.</param>
    /// <param name="correlationId">The stimulus's correlation id, if any.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The bookmarks, oldest first.</returns>
    Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string hash, string? correlationId, CancellationToken cancellationToken = default);

    /// <summary>Reads a bookmark by id.</summary>
    /// <param name="bookmarkId">The bookmark id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The bookmark, or <c>null</c>.</returns>
    Task<Bookmark?> GetBookmarkAsync(string bookmarkId, CancellationToken cancellationToken = default);

    /// <summary>Lists timers due at or before <paramref name="dueBefore"/> a page at a time, in (due time, bookmark id)
    /// order: those after <paramref name="after"/> (the last timer of the previous page), at most <paramref name="take"/>.
    /// A host catching up on a million due timers holds one page, not all of them.</summary>
    /// <param name="dueBefore">Only timers due at or before this instant.</param>
    /// <param name="after">The previous page's last timer (its due time and id), or <c>null</c> for the first page.</param>
    /// <param name="take">The page size (at least 1).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page; shorter than <paramref name="take"/> when it is the last.</returns>
    Task<IReadOnlyList<Bookmark>> ListDueTimersAsync(DateTimeOffset dueBefore, (DateTimeOffset DueAt, string BookmarkId)? after, int take, CancellationToken cancellationToken = default);

    /// <summary>When the earliest timer falls due (one index lookup, whatever the number of timers).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The earliest due time, or <c>null</c> when no timer waits.</returns>
    Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads an instance's journal in sequence order.</summary>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="skip">Entries to skip.</param>
    /// <param name="take">Entries to return.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, int skip = 0, int take = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Queues a stimulus that matched no bookmark.</summary>
    /// <param name="stimulus">The stimulus.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task EnqueueStimulusAsync(Stimulus stimulus, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the oldest unexpired queued stimulus for a hash (and correlation id, when the
    /// bookmark has one). Exactly one caller gets each stimulus. Expired stimuli are purged.</summary>
    /// <param name="hash">The bookmark hash.</param>
    /// <param name="correlationId">The bookmark's correlation id; a stimulus matches when it has none or the same.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stimulus, or <c>null</c>.</returns>
    Task<Stimulus?> TakeStimulusAsync(string hash, string? correlationId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Which of the hashes have an unexpired queued stimulus (one read for a batch of new bookmarks, which
    /// almost never have one, instead of a <see cref="TakeStimulusAsync"/> transaction each).</summary>
    /// <param name="hashes">Bookmark hashes.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The hashes that have one.</returns>
    Task<IReadOnlySet<string>> FindStimulusHashesAsync(IReadOnlyCollection<string> hashes, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes a queued stimulus by id.</summary>
    /// <param name="stimulusId">The stimulus id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether this caller removed it (so it, and nobody else, must deliver it).</returns>
    Task<bool> DeleteStimulusAsync(string stimulusId, CancellationToken cancellationToken = default);

    /// <summary>Which of these instance ids exist (any status). One round trip for a whole batch.</summary>
    /// <param name="instanceIds">The ids to look for.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids that exist.</returns>
    Task<IReadOnlySet<string>> FindExistingInstanceIdsAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken = default);

    /// <summary>Which of these correlation ids have a running or suspended instance of a definition (the re-entry rule:
    /// a patient is in a journey at most once at a time). One round trip for a whole batch.</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="correlationIds">The correlation ids (patient ids) to look for.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The correlation ids with an active instance.</returns>
    Task<IReadOnlySet<string>> FindActiveCorrelationIdsAsync(string definitionId, IReadOnlyCollection<string> correlationIds, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces an audience run's progress record.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task SaveAudienceRunAsync(Audience.AudienceRun run, CancellationToken cancellationToken = default);

    /// <summary>Reads an audience run's progress record.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The run, or <c>null</c>.</returns>
    Task<Audience.AudienceRun?> GetAudienceRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Lists audience runs, newest first.</summary>
    /// <param name="definitionId">Only this journey, when set.</param>
    /// <param name="take">At most this many.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The runs.</returns>
    Task<IReadOnlyList<Audience.AudienceRun>> ListAudienceRunsAsync(string? definitionId, int take, CancellationToken cancellationToken = default);

    /// <summary>Aggregates a journey's instances by status and its journal by activity and outcome (reports).</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The statistics.</returns>
    Task<JourneyStatistics> GetJourneyStatisticsAsync(string definitionId, CancellationToken cancellationToken = default);
}
