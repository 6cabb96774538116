namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// Where the portal method leaves a message: the body is stored encrypted and the recipient gets only a notice with a
/// pickup link. Secure send depends on this seam so its tests can run without the portal's store and pages.
/// </summary>
public interface IPortalMailbox
{
    /// <summary>Stores a message for pickup (AES-256-GCM at rest) and returns the link the notice email carries.
    /// Depositing the same message id again returns the existing deposit (the outbox may retry).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The deposit.</returns>
    Task<PortalDeposit> DepositAsync(PortalMessage message, CancellationToken cancellationToken = default);
}

/// <summary>A message to deposit in the portal.</summary>
/// <param name="MessageId">The idempotency key of the send.</param>
/// <param name="PatientId">Whose record the identity check reads (date of birth).</param>
/// <param name="InstanceId">The workflow instance that sent it (empty outside a workflow).</param>
/// <param name="RecipientAddress">Where the one-time code goes.</param>
/// <param name="Subject">The subject shown in the portal.</param>
/// <param name="HtmlBody">The rendered HTML body (PHI).</param>
/// <param name="TextBody">The rendered text body (PHI), if any.</param>
/// <param name="ExpiresAt">When the pickup link stops working.</param>
public sealed record PortalMessage(string MessageId, string PatientId, string InstanceId, string RecipientAddress, string Subject, string HtmlBody, string? TextBody, DateTimeOffset ExpiresAt);

/// <summary>A stored portal message.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="PickupUrl">The signed, expiring link for the notice email.</param>
public sealed record PortalDeposit(string MessageId, Uri PickupUrl);
