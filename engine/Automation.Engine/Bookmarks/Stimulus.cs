namespace Automation.Engine.Bookmarks;

/// <summary>A stimulus that arrived before a matching bookmark was committed; queued until one appears or it expires.</summary>
public sealed record Stimulus
{
    /// <summary>The stimulus id.</summary>
    public required string Id { get; init; }

    /// <summary>The bookmark hash it is meant for.</summary>
    public required string Hash { get; init; }

    /// <summary>The correlation id it carries, if any.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The payload handed to the resumed activity.</summary>
    public object? Input { get; init; }

    /// <summary>When it arrived.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this instant it is dropped.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
