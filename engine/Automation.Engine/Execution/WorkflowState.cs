using Automation.Engine.Bookmarks;

namespace Automation.Engine.Execution;

/// <summary>
/// Everything needed to continue an instance: the compact document the store persists with each transition.
/// Values are plain JSON types (see <see cref="Expressions.PlainJson"/>).
/// </summary>
public sealed class WorkflowState
{
    /// <summary>The instance id.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The definition id.</summary>
    public required string DefinitionId { get; init; }

    /// <summary>The definition version id the instance runs.</summary>
    public required string DefinitionVersionId { get; init; }

    /// <summary>The definition version number.</summary>
    public int DefinitionVersion { get; init; }

    /// <summary>The status.</summary>
    public WorkflowStatus Status { get; set; }

    /// <summary>The correlation id.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The workflow input.</summary>
    public Dictionary<string, object?> Input { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Variables by name.</summary>
    public Dictionary<string, object?> Variables { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Activity outputs by activity id, then output name.</summary>
    public Dictionary<string, Dictionary<string, object?>> Outputs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The bookmarks the instance waits on.</summary>
    public List<Bookmark> Bookmarks { get; init; } = [];

    /// <summary>For each join waiting on further branches: the inbound connections that have arrived.</summary>
    public Dictionary<string, List<int>> JoinTokens { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Incidents recorded so far.</summary>
    public List<Incident> Incidents { get; init; } = [];

    /// <summary>The last journal sequence number written.</summary>
    public long JournalSequence { get; set; }

    /// <summary>When the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When it finished, faulted or was cancelled.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The optimistic-concurrency revision the store holds; 0 for an instance never committed.</summary>
    public long Revision { get; set; }
}
