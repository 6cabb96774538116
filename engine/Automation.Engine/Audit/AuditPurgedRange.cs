namespace Automation.Engine.Audit;

/// <summary>A run of consecutive records a retention purge removed; verification continues after it from
/// <paramref name="LastHash"/>, so purging keeps the remaining chain verifiable.</summary>
/// <param name="FirstSequence">The first removed sequence number.</param>
/// <param name="LastSequence">The last removed sequence number.</param>
/// <param name="LastHash">The hash of the last removed record.</param>
/// <param name="PurgeSequence">The sequence of the purge's own audit record, which vouches for this range
/// (see <see cref="AuditChain.PurgedRangesDigest"/>); purges never remove such records.</param>
public sealed record AuditPurgedRange(long FirstSequence, long LastSequence, string LastHash, long PurgeSequence);
