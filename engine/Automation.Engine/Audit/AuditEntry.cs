namespace Automation.Engine.Audit;

/// <summary>
/// What a caller asks the audit log to record. Never put PHI here: patient ids go in hashed
/// (<see cref="PatientIdHasher"/>), addresses and names not at all. The log adds sequence, time and the hash chain.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>What happened, one of <see cref="AuditActions"/> (or a plugin's own dotted name).</summary>
    public required string Action { get; init; }

    /// <summary>Who did it: a user id, <c>system</c>, or <c>workflow:&lt;definitionId&gt;</c>.</summary>
    public required string Actor { get; init; }

    /// <summary>The outcome, such as <c>granted</c>, <c>denied</c>, <c>sent</c>, <c>blocked</c>, <c>failed</c>.</summary>
    public required string Result { get; init; }

    /// <summary>The workflow instance, when the action happened inside one.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The message id (idempotency key), for message actions.</summary>
    public string? MessageId { get; init; }

    /// <summary>The keyed hash of the patient id (<see cref="PatientIdHasher"/>), never the id itself.</summary>
    public string? PatientHash { get; init; }

    /// <summary>The policy that decided, for policy decisions.</summary>
    public string? Policy { get; init; }

    /// <summary>The delivery method (<c>tls</c>, <c>smime</c>, <c>pgp</c>, <c>portal</c>), for message actions.</summary>
    public string? Method { get; init; }

    /// <summary>The TLS protocol the SMTP connection used, for deliveries.</summary>
    public string? TlsProtocol { get; init; }

    /// <summary>The TLS cipher suite the SMTP connection used, for deliveries.</summary>
    public string? TlsCipher { get; init; }

    /// <summary>Further evidence (reason, consent id and version, recipient domain). Keys and values free of PHI.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}
