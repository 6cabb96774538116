namespace Automation.Engine.Audit;

/// <summary>The outcome of <see cref="AuditChain.VerifyAsync"/>.</summary>
/// <param name="RecordsChecked">How many records matched before the walk stopped.</param>
/// <param name="FirstBadSequence">The first sequence number that was altered, removed or out of place; <c>null</c> when the chain holds.</param>
/// <param name="Reason">What was wrong there, without record contents.</param>
public sealed record AuditVerification(long RecordsChecked, long? FirstBadSequence, string? Reason)
{
    /// <summary>Whether the chain holds.</summary>
    public bool IsValid => FirstBadSequence is null;

    internal static AuditVerification Good(long records) => new(records, null, null);

    internal static AuditVerification Bad(long records, long sequence, string reason) => new(records, sequence, reason);
}
