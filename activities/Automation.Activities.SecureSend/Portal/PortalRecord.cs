namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// One stored portal message as the store holds it: every PHI field is a <see cref="Automation.Engine.Security.PhiProtector"/>
/// blob (associated data = the message id), times are UTC, and the one-time code is only ever a salted hash.
/// </summary>
internal sealed record PortalRecord
{
    public required string MessageId { get; init; }

    public required string PatientId { get; init; }

    public required string InstanceId { get; init; }

    /// <summary>The key the blobs were encrypted under (lets a rewrap find old rows without decrypting).</summary>
    public required string KeyId { get; init; }

    public required byte[] Recipient { get; init; }

    public required byte[] Subject { get; init; }

    public required byte[] HtmlBody { get; init; }

    public byte[]? TextBody { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RetractedAt { get; init; }

    public int FailedAttempts { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    public string? CodeHash { get; init; }

    public DateTimeOffset? CodeExpiresAt { get; init; }

    public DateTimeOffset? ReadAt { get; init; }
}
