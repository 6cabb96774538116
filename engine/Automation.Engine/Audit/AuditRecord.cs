namespace Automation.Engine.Audit;

/// <summary>One stored audit record: the entry with its place in the hash chain.</summary>
/// <param name="Sequence">Gap-free position in the log, from 1.</param>
/// <param name="Time">When the log accepted it.</param>
/// <param name="Entry">What was recorded.</param>
/// <param name="PreviousHash">The <see cref="Hash"/> of the record before (64 zeros for the first).</param>
/// <param name="Hash">Lower-case hex SHA-256 over the record's canonical form, which includes <paramref name="PreviousHash"/>.</param>
public sealed record AuditRecord(long Sequence, DateTimeOffset Time, AuditEntry Entry, string PreviousHash, string Hash);
