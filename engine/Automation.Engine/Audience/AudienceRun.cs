using Automation.Engine.Definitions;

namespace Automation.Engine.Audience;

/// <summary>
/// The durable record of one audience entry: how far through the member stream it got and what it did. Saved after
/// every batch, so a restarted run skips what was already committed.
/// </summary>
public sealed record AudienceRun
{
    /// <summary>The run id (choose a stable one to make a repeated request resume, not restart).</summary>
    public required string RunId { get; init; }

    /// <summary>The journey's definition id.</summary>
    public required string DefinitionId { get; init; }

    /// <summary>The published version that instances run.</summary>
    public required string DefinitionVersionId { get; init; }

    /// <summary><c>running</c>, <c>completed</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Members consumed from the stream and committed (the resume point).</summary>
    public long Position { get; init; }

    /// <summary>Instances created.</summary>
    public long Entered { get; init; }

    /// <summary>Members skipped because they were already in the journey (re-entry rule) or entered by an earlier attempt.</summary>
    public long Skipped { get; init; }

    /// <summary>Members the audience screen kept out before any instance was created (no consent for the journey's
    /// purpose, say); the screen audits each one with its reason.</summary>
    public long Excluded { get; init; }

    /// <summary>When the run began.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When it last saved progress.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Why it failed, when it did (no PHI).</summary>
    public string? Error { get; init; }

    /// <summary>A run of <paramref name="definition"/> that begins now, at position 0.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="definition">The published journey version its instances run.</param>
    /// <param name="now">The start time.</param>
    /// <returns>The run, <c>running</c>.</returns>
    public static AudienceRun Begin(string runId, WorkflowDefinition definition, DateTimeOffset now) => new()
    {
        RunId = runId, DefinitionId = definition.DefinitionId, DefinitionVersionId = definition.Id, Status = "running", StartedAt = now, UpdatedAt = now,
    };

    /// <summary>This run, failed: the exception's type and message (ids only, never patient data) become its error.</summary>
    /// <param name="exception">Why it failed.</param>
    /// <param name="now">The time of the failure.</param>
    /// <returns>The run, <c>failed</c>.</returns>
    public AudienceRun FailedWith(Exception exception, DateTimeOffset now) =>
        this with { Status = "failed", Error = exception.GetType().Name + ": " + exception.Message, UpdatedAt = now };
}
