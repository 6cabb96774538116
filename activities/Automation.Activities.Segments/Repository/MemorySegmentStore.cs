using System.Collections.Concurrent;

namespace Automation.Activities.Segments.Repository;

/// <summary>Segments held in memory only: for the command line (seeded from a folder) and tests.</summary>
internal sealed class MemorySegmentStore : SegmentStore
{
    private readonly ConcurrentDictionary<string, StoredSegment> segments = new(StringComparer.Ordinal);

    public override Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredSegment>>([.. segments.Values.OrderBy(s => s.Id, StringComparer.Ordinal)]);

    public override Task<StoredSegment?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(segments.GetValueOrDefault(id));

    public override Task<bool> SaveAsync(StoredSegment segment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var created = !segments.ContainsKey(segment.Id);
        segments[segment.Id] = segment;
        return Task.FromResult(created);
    }

    public override Task<bool> AddIfAbsentAsync(StoredSegment segment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return Task.FromResult(segments.TryAdd(segment.Id, segment));
    }

    public override Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult(segments.TryRemove(id, out _));
}
