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

    /// <summary>Saves a definition model as the draft of its definition (a new definition when its
    /// <c>definitionId</c> is empty or unknown), optionally publishing it.</summary>
    /// <param name="model">The Elsa definition JSON; it is copied, not kept.</param>
    /// <param name="publish">Whether to publish the saved version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="WorkflowDefinitionFormatException">The model is not a flowchart definition.</exception>
    public async Task<DefinitionSaveResult> SaveAsync(JsonObject model, bool publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SaveCoreAsync(model, publish, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task<DefinitionSaveResult> SaveCoreAsync(JsonObject model, bool publish, CancellationToken cancellationToken)
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
        var definition = WorkflowDefinitionJson.FromDocument(document);
        definition.DefinitionId = definitionId;
        definition.IsLatest = true;
        definition.IsPublished = false;
        if (latest is null)
        {
            definition.Id = ids.NewId();
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
    public async Task<DefinitionSaveResult?> PublishAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PublishCoreAsync(definitionId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

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
    public async Task<WorkflowDefinition?> RetractAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RetractCoreAsync(definitionId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

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
