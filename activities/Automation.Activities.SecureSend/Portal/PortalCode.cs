namespace Automation.Activities.SecureSend.Portal;

/// <summary>A one-time code on its way to the recipient.</summary>
/// <param name="MessageId">The portal message it unlocks.</param>
/// <param name="RecipientAddress">Where it goes (PHI: never log it).</param>
/// <param name="Code">The six digits.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record PortalCode(string MessageId, string RecipientAddress, string Code, DateTimeOffset ExpiresAt);
