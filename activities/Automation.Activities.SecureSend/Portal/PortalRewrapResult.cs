namespace Automation.Activities.SecureSend.Portal;

/// <summary>The outcome of <see cref="PortalMailbox.RewrapAsync"/>.</summary>
/// <param name="Rewrapped">Messages now encrypted under the active key.</param>
/// <param name="Unreadable">Messages under a key no longer in the ring (or damaged), left unchanged.</param>
public sealed record PortalRewrapResult(int Rewrapped, int Unreadable);
