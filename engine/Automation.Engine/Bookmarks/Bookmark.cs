namespace Automation.Engine.Bookmarks;

/// <summary>A suspended activity waiting for a stimulus. Stored in an index keyed by <see cref="Hash"/>.</summary>
public sealed record Bookmark
{
    /// <summary>The bookmark id.</summary>
    public required string Id { get; init; }

    /// <summary>The suspended instance.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The waiting activity's id.</summary>
    public required string ActivityId { get; init; }

    /// <summary>The waiting activity's node id.</summary>
    public required string ActivityNodeId { get; init; }

    /// <summary>The waiting activity's type name, for example <c>Elsa.Event</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The stimulus hash: activity type plus payload, see <see cref="BookmarkHasher"/>.</summary>
    public required string Hash { get; init; }

    /// <summary>When set, only a stimulus with this correlation id resumes the bookmark.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>What the activity waits for (JSON-friendly).</summary>
    public object? Payload { get; init; }

    /// <summary>For timers: when the bookmark is due.</summary>
    public DateTimeOffset? ResumeAt { get; init; }

    /// <summary>When the bookmark was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
