namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// Delivers the one-time code of the portal's second identity step to the recipient's address. The default sends a
/// plain notice over SMTP with STARTTLS (<see cref="PortalSmtpOptions"/>); tests capture codes with their own sender.
/// </summary>
public interface IPortalCodeSender
{
    /// <summary>Sends the code. The notice carries the code and its expiry only, never PHI.</summary>
    /// <param name="code">The code and where it goes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes once the mail server accepted the notice.</returns>
    /// <exception cref="InvalidOperationException">No SMTP server is configured.</exception>
    Task SendAsync(PortalCode code, CancellationToken cancellationToken = default);
}
