namespace Automation.Activities.SecureSend.Policies;

/// <summary>What the recipient directory knows about one recipient, as the policy sees it (no address, no PHI).</summary>
/// <param name="HasSmimeCertificate">A valid, unrevoked S/MIME certificate with key encipherment is on file.</param>
/// <param name="HasPgpKey">A valid, encryption-capable OpenPGP key is on file.</param>
/// <param name="PortalEnrolled">The recipient is enrolled in the pickup portal (and a portal is configured).</param>
/// <param name="DomainRequiresTls">The recipient's domain is configured to require TLS 1.2+.</param>
/// <param name="Notes">Why a capability is missing (for example "certificate expired"), for the decision reason.</param>
public sealed record RecipientCapabilities(bool HasSmimeCertificate, bool HasPgpKey, bool PortalEnrolled, bool DomainRequiresTls, IReadOnlyList<string>? Notes = null)
{
    /// <summary>A recipient the directory knows nothing about.</summary>
    public static RecipientCapabilities None { get; } = new(false, false, false, false);
}
