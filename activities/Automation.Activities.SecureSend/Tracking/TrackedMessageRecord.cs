namespace Automation.Activities.SecureSend.Tracking;

/// <summary>What was recorded about a message at send time: whom it went to (server-side only) and where each of its
/// links points, so the click redirect can only ever go to those URLs.</summary>
public sealed record TrackedMessageRecord
{
    /// <summary>The message id (the only id tokens carry).</summary>
    public required string MessageId { get; init; }

    /// <summary>The patient id.</summary>
    public required string PatientId { get; init; }

    /// <summary>The workflow instance that sent it (empty outside a workflow).</summary>
    public required string InstanceId { get; init; }

    /// <summary>The journey (empty outside a workflow).</summary>
    public required string DefinitionId { get; init; }

    /// <summary>The send purpose (<c>marketing</c>, <c>treatment</c>, ...).</summary>
    public required string Purpose { get; init; }

    /// <summary>The link targets by index, as they were in the message.</summary>
    public required IReadOnlyList<string> Links { get; init; }

    /// <summary>When the message was instrumented for sending.</summary>
    public required DateTimeOffset SentAt { get; init; }

    /// <inheritdoc />
    public bool Equals(TrackedMessageRecord? other) =>
        other is not null && MessageId == other.MessageId && PatientId == other.PatientId && InstanceId == other.InstanceId && DefinitionId == other.DefinitionId
        && Purpose == other.Purpose && SentAt == other.SentAt && Links.SequenceEqual(other.Links);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MessageId, SentAt);
}
