using System.Collections.Concurrent;
using System.Collections.Immutable;
using Automation.Activities.Segments.Language;

namespace Automation.Activities.Segments.Repository;

/// <summary>
/// Segments by id: stored in the package's table (<see cref="SegmentStore"/>), seeded from <c>workflows/segments/*.json</c>
/// (a file never overwrites a stored segment, so API edits survive restarts), validated before every write, and
/// compiled once into an in-memory catalogue that evaluation reads. The catalogue reloads from the store after each
/// write on this node and when older than <see cref="RefreshInterval"/>, so edits made through another node are
/// seen within that interval.
/// </summary>
public sealed class SegmentRepository
{
    private readonly SegmentStore store;
    private readonly TimeProvider timeProvider;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private volatile Catalogue catalogue = new(ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));
    private readonly Lock refreshGate = new();
    private Task? refreshing;
    private long loadedAt;

    /// <summary>Creates the repository; call <see cref="InitializeAsync"/> before use.</summary>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">Time for stamps and refreshes (default: the system clock).</param>
    public SegmentRepository(SegmentStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How old the in-memory catalogue may get before a read reloads it (default 30 s).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A compiler whose <c>segment</c> references resolve against the catalogue.</summary>
    public SegmentCompiler Compiler => new(id => catalogue.Documents.GetValueOrDefault(id));

    /// <summary>The ids in the catalogue (no store round trip).</summary>
    public IReadOnlyCollection<string> Ids => catalogue.Documents.Keys.ToList();

    /// <summary>Creates the table, adds the seed files whose ids are not stored yet, and loads the catalogue. Seed
    /// files that do not validate are skipped and reported.</summary>
    /// <param name="seedDirectory">A folder of <c>*.json</c> segment documents, or <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Problems of seed files that were skipped, by file name.</returns>
    public async Task<IReadOnlyList<string>> InitializeAsync(string? seedDirectory, CancellationToken cancellationToken = default)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        var skipped = new List<string>();
        if (seedDirectory is null || !Directory.Exists(seedDirectory))
        {
            return skipped;
        }

        // Seeds may reference each other: validate against every seed file plus what is stored.
        var seeds = Directory.GetFiles(seedDirectory, "*.json").Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Json: File.ReadAllText(path), Id: ReadId(File.ReadAllText(path))))
            .ToList();
        var pool = catalogue.Documents.ToDictionary(StringComparer.Ordinal);
        foreach (var seed in seeds.Where(s => s.Id is not null))
        {
            pool.TryAdd(seed.Id!, seed.Json);
        }

        var compiler = new SegmentCompiler(id => pool.GetValueOrDefault(id));
        foreach (var seed in seeds)
        {
            var problems = seed.Id is null ? [new SegmentProblem("$.id", "the file has no segment id.")] : compiler.Validate(seed.Json);
            if (problems.Count > 0)
            {
                skipped.Add($"{Path.GetFileName(seed.Path)}: {string.Join("; ", problems)}");
                continue;
            }

            await store.AddIfAbsentAsync(new StoredSegment(seed.Id!, seed.Json, timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return skipped;
    }

    /// <summary>Reloads the catalogue from the store.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var stored = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        catalogue = new Catalogue(stored.ToImmutableDictionary(s => s.Id, s => s.Document, StringComparer.Ordinal));
        Interlocked.Exchange(ref loadedAt, timeProvider.GetTimestamp());
    }

    /// <summary>Whether the catalogue holds a segment (no store round trip: used by publish-time validation).</summary>
    /// <param name="id">The id.</param>
    /// <returns><c>true</c> when it exists.</returns>
    public bool Contains(string id) => id is not null && catalogue.Documents.ContainsKey(id);

    /// <summary>The compiled segment, from the catalogue (reloaded first when stale or when the id is unknown).</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The compiled segment, or <c>null</c> when there is no such segment.</returns>
    /// <exception cref="SegmentValidationException">The stored document no longer compiles (a segment it references changed).</exception>
    public async Task<CompiledSegment?> GetCompiledAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (timeProvider.GetElapsedTime(Interlocked.Read(ref loadedAt)) > RefreshInterval || !catalogue.Documents.ContainsKey(id))
        {
            await SharedRefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        // Compiled segments belong to the snapshot they were compiled from, so a reload never keeps a stale one.
        var current = catalogue;
        if (current.Compiled.TryGetValue(id, out var segment))
        {
            return segment;
        }

        if (current.Documents.GetValueOrDefault(id) is not { } json)
        {
            return null;
        }

        segment = new SegmentCompiler(other => current.Documents.GetValueOrDefault(other)).Compile(json, id);
        current.Compiled[id] = segment;
        return segment;
    }

    // Many running workflows may find the catalogue stale at once: they share one reload.
    private Task SharedRefreshAsync(CancellationToken cancellationToken)
    {
        lock (refreshGate)
        {
            if (refreshing is null || refreshing.IsCompleted)
            {
                refreshing = RefreshAsync(CancellationToken.None);
            }

            return refreshing.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Every stored segment (from the store).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The segments, ordered by id.</returns>
    public Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken = default) => store.ListAsync(cancellationToken);

    /// <summary>One stored segment (from the store).</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The segment, or <c>null</c>.</returns>
    public Task<StoredSegment?> GetAsync(string id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    /// <summary>Validates and stores a segment (created or replaced). Nothing is written when it is invalid.</summary>
    /// <param name="id">The id; the document's <c>id</c> must equal it.</param>
    /// <param name="json">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored segment and whether it was created.</returns>
    /// <exception cref="SegmentValidationException">The document is invalid, or it would break a segment that references it.</exception>
    public async Task<(StoredSegment Segment, bool Created)> SaveAsync(string id, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(json);
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (!SegmentCompiler.IsValidId(id))
            {
                throw new SegmentValidationException([new SegmentProblem("$.id", "an id is 1-100 characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit.")]);
            }

            var proposed = catalogue.Documents.SetItem(id, json);
            var compiler = new SegmentCompiler(other => proposed.GetValueOrDefault(other));
            var problems = compiler.Validate(json, id);
            if (problems.Count == 0)
            {
                // A change must not break the segments that reference this one.
                problems = [.. proposed.Keys.Where(other => other != id)
                    .SelectMany(other => compiler.Validate(proposed[other], other).Select(p => p with { Message = $"segment '{other}' would break: {p.Message}" }))];
            }

            if (problems.Count > 0)
            {
                throw new SegmentValidationException(problems);
            }

            var segment = new StoredSegment(id, json, timeProvider.GetUtcNow());
            var created = await store.SaveAsync(segment, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            return (segment, created);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Deletes a segment unless another segment references it.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result; <c>Deleted</c> is false with no referrers when there was no such segment.</returns>
    public async Task<SegmentDeleteResult> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            var compiler = Compiler;
            var referrers = catalogue.Documents.Keys.Where(other => other != id)
                .Where(other => { try { return compiler.Compile(catalogue.Documents[other], other).References.Contains(id, StringComparer.Ordinal); } catch (SegmentValidationException) { return false; } })
                .Order(StringComparer.Ordinal).ToList();
            if (referrers.Count > 0)
            {
                return new SegmentDeleteResult(false, referrers);
            }

            var deleted = await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            return new SegmentDeleteResult(deleted, []);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private static string? ReadId(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record Catalogue(ImmutableDictionary<string, string> Documents)
    {
        public ConcurrentDictionary<string, CompiledSegment> Compiled { get; } = new(StringComparer.Ordinal);
    }
}
