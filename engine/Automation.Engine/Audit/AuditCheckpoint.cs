namespace Automation.Engine.Audit;

/// <summary>A position in the audit chain: a sequence number and the hash of the record there.</summary>
/// <param name="Sequence">The sequence number (0 before the first record).</param>
/// <param name="Hash">That record's hash (<see cref="AuditChain.GenesisHash"/> for 0).</param>
public sealed record AuditCheckpoint(long Sequence, string Hash)
{
    /// <summary>The position before the first record.</summary>
    public static AuditCheckpoint Genesis { get; } = new(0, AuditChain.GenesisHash);
}
