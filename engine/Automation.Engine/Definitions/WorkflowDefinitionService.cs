using System.Text.Json.Nodes;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;

namespace Automation.Engine.Definitions;

/// <summary>The outcome of saving or publishing a definition.</summary>
/// <param name="Definition">The stored version, or <c>null</c> when validation failed (then nothing was stored).</param>
/// <param name="AlreadyPublished">Publishing was asked for and the latest version was already published.</param>
/// <param name="Problems">Publish-time validation problems; empty on success.</param>
public sealed record DefinitionSaveResult(WorkflowDefinition? Definition, bool AlreadyPublished, IReadOnlyList<ValidationProblem> Problems)
{
    /// <summary>Whether the save or publish happened.</summary>
    public bool Succeeded => Definition is not null;
}

/// <summary>The outcome of deleting a definition or one of its versions.</summary>
public enum DefinitionDeleteOutcome
{
    /// <summary>Deleted.</summary>
    Deleted,

    /// <summary>No such definition or version.</summary>
    NotFound,

    /// <summary>Refused: running or suspended instances still use it and could not resume without it.</summary>
    InUse,
}

/// <summary>
/// Elsa's versioning rules over <see cref="IWorkflowStore"/>: saving when the latest version is published creates a new
/// draft (version + 1, new version id); saving a draft overwrites it; publishing validates first and, when valid, makes
/// the latest version the only published one; retracting unpublishes. A publish that fails validation stores nothing.
/// Drafts are stored even when invalid (designers autosave while editing).
/// </summary>
public sealed class WorkflowDefinitionService
{
    private readonly IWorkflowStore store;
    private readonly WorkflowCompiler compiler;
    private readonly IdGenerator ids;
    private readonly TimeProvider timeProvider;

    // One writer at a time, so two racing autosaves of a published definition cannot both create version n + 1.
    private readonly SemaphoreSlim writeLock = new(1, 1);

    /// <summary>Creates the service.</summary>
    /// <param name="store">The store.</param>
    /// <param name="compiler">Validates on publish.</param>
    /// <param name="ids">Id generator for new definitions and versions.</param>
    /// <param name="timeProvider">The clock.</param>
    public WorkflowDefinitionService(IWorkflowStore store, WorkflowCompiler compiler, IdGenerator ids, TimeProvider timeProvider)
    {
        this.store = store;
        this.compiler = compiler;
        this.ids = ids;
        this.timeProvider = timeProvider;
    }

    /// <summary>Saves a definition model (from the editor) as the draft of its definition (a new definition when its
    /// <c>definitionId</c> is empty or unknown), optionally publishing it.</summary>
    /// <param name="model">The Elsa definition JSON; it is copied, not kept.</param>
    /// <param name="publish">Whether to publish the saved version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowDefinitionFormatException">The model is not a flowchart definition.</exception>
    /// <remarks>The last save wins, as in Elsa: Studio autosaves concurrently, so a save carrying an older version id
    /// is usually its own earlier request, not a stale editor.</remarks>
    public Task<DefinitionSaveResult> SaveAsync(JsonObject model, bool publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LockedAsync(() => SaveCoreAsync(model, publish, keepEditorId: true, cancellationToken), cancellationToken);
    }

    /// <summary>Saves an imported definition (for example an Elsa export) as the new latest version of its
    /// definition, whatever version id it carries.</summary>
    /// <param name="model">The Elsa definition JSON; it is copied, not kept.</param>
    /// <param name="publish">Whether to publish the saved version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowDefinitionFormatException">The model is not a flowchart definition.</exception>
    public Task<DefinitionSaveResult> ImportAsync(JsonObject model, bool publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LockedAsync(() => SaveCoreAsync(model, publish, keepEditorId: false, cancellationToken), cancellationToken);
    }

    /// <summary>Deletes every version of a definition, unless unfinished instances still run one of them.</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    public Task<DefinitionDeleteOutcome> DeleteAsync(string definitionId, CancellationToken cancellationToken = default) =>
        LockedAsync(async () =>
        {
            if (await store.FindDefinitionAsync(definitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false) is null)
            {
                return DefinitionDeleteOutcome.NotFound;
            }

            if ((await UnfinishedAsync(definitionId, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                return DefinitionDeleteOutcome.InUse;
            }

            await store.DeleteDefinitionAsync(definitionId, cancellationToken).ConfigureAwait(false);
            return DefinitionDeleteOutcome.Deleted;
        }, cancellationToken);

    /// <summary>Deletes one version, unless unfinished instances still run it.</summary>
    /// <param name="versionId">The version id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    public Task<DefinitionDeleteOutcome> DeleteVersionAsync(string versionId, CancellationToken cancellationToken = default) =>
        LockedAsync(async () =>
        {
            var version = await store.GetDefinitionVersionAsync(versionId, cancellationToken).ConfigureAwait(false);
            if (version is null)
            {
                return DefinitionDeleteOutcome.NotFound;
            }

            if ((await UnfinishedAsync(version.DefinitionId, cancellationToken).ConfigureAwait(false)).Any(i => i.DefinitionVersionId == versionId))
            {
                return DefinitionDeleteOutcome.InUse;
            }

            await store.DeleteDefinitionVersionAsync(versionId, cancellationToken).ConfigureAwait(false);
            return DefinitionDeleteOutcome.Deleted;
        }, cancellationToken);

    private async Task<List<InstanceSummary>> UnfinishedAsync(string definitionId, CancellationToken cancellationToken)
    {
        var unfinished = new List<InstanceSummary>();
        foreach (var status in new[] { WorkflowStatus.Running, WorkflowStatus.Suspended })
        {
            var page = await store.ListInstancesAsync(new InstanceQuery { DefinitionId = definitionId, Status = status, Take = 10_000 }, cancellationToken).ConfigureAwait(false);
            unfinished.AddRange(page.Items);
        }

        return unfinished;
    }

    private async Task<T> LockedAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task<DefinitionSaveResult> SaveCoreAsync(JsonObject model, bool publish, bool keepEditorId, CancellationToken cancellationToken)
    {
        var document = (JsonObject)model.DeepClone();
        document.Remove("links");
        document.Remove("$schema");
        var definitionId = Json.GetString(document, "definitionId");
        if (string.IsNullOrWhiteSpace(definitionId))
        {
            definitionId = ids.NewId();
        }

        var latest = await store.FindDefinitionAsync(definitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false);
        var editedVersionId = Json.GetString(document, "id");

        var definition = WorkflowDefinitionJson.FromDocument(document);
        definition.DefinitionId = definitionId;
        definition.IsLatest = true;
        definition.IsPublished = false;
        if (latest is null)
        {
            // A new definition keeps the version id its editor already holds, unless that id is taken.
            definition.Id = keepEditorId && !string.IsNullOrEmpty(editedVersionId)
                && await store.GetDefinitionVersionAsync(editedVersionId, cancellationToken).ConfigureAwait(false) is null
                    ? editedVersionId
                    : ids.NewId();
            definition.Version = 1;
            definition.CreatedAt = timeProvider.GetUtcNow();
        }
        else if (latest.IsPublished)
        {
            definition.Id = ids.NewId();
            definition.Version = latest.Version + 1;
            definition.CreatedAt = timeProvider.GetUtcNow();
        }
        else
        {
            definition.Id = latest.Id;
            definition.Version = latest.Version;
            definition.CreatedAt = latest.CreatedAt ?? timeProvider.GetUtcNow();
        }

        if (publish)
        {
            var problems = compiler.Validate(definition);
            if (problems.Count > 0)
            {
                return new DefinitionSaveResult(null, false, problems);
            }

            definition.IsPublished = true;
        }

        await store.SaveDefinitionAsync(definition, cancellationToken).ConfigureAwait(false);
        return new DefinitionSaveResult(definition, false, []);
    }

    /// <summary>Publishes the latest version of a definition after validating it.</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result, or <c>null</c> when the definition does not exist.</returns>
    public Task<DefinitionSaveResult?> PublishAsync(string definitionId, CancellationToken cancellationToken = default) =>
        LockedAsync(() => PublishCoreAsync(definitionId, cancellationToken), cancellationToken);

    private async Task<DefinitionSaveResult?> PublishCoreAsync(string definitionId, CancellationToken cancellationToken)
    {
        var latest = await store.FindDefinitionAsync(definitionId, VersionOptions.Latest, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return null;
        }

        if (latest.IsPublished)
        {
            return new DefinitionSaveResult(latest, true, []);
        }

        var problems = compiler.Validate(latest);
        if (problems.Count > 0)
        {
            return new DefinitionSaveResult(null, false, problems);
        }

        latest.IsPublished = true;
        await store.SaveDefinitionAsync(latest, cancellationToken).ConfigureAwait(false);
        return new DefinitionSaveResult(latest, false, []);
    }

    /// <summary>Unpublishes the published version of a definition.</summary>
    /// <param name="definitionId">The definition id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The retracted version; <c>null</c> when no version is published.</returns>
    public Task<WorkflowDefinition?> RetractAsync(string definitionId, CancellationToken cancellationToken = default) =>
        LockedAsync(() => RetractCoreAsync(definitionId, cancellationToken), cancellationToken);

    private async Task<WorkflowDefinition?> RetractCoreAsync(string definitionId, CancellationToken cancellationToken)
    {
        var published = await store.FindDefinitionAsync(definitionId, VersionOptions.Published, cancellationToken).ConfigureAwait(false);
        if (published is null)
        {
            return null;
        }

        published.IsPublished = false;
        await store.SaveDefinitionAsync(published, cancellationToken).ConfigureAwait(false);
        return published;
    }
}
