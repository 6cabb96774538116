using System.Globalization;
using System.Security.Authentication;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// Sends one-time codes with MailKit over STARTTLS, TLS 1.2 or 1.3 only: a server that does not offer STARTTLS gets
/// nothing. One connection per code (codes are rare; the secure-send transport will take this over).
/// </summary>
internal sealed class SmtpPortalCodeSender(PortalOptions options, TimeProvider timeProvider) : IPortalCodeSender
{
    public async Task SendAsync(PortalCode code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException($"{PortalSmtpOptions.Section}:Host is not configured: portal codes cannot be sent.");
        }

        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(code.RecipientAddress));
        message.Subject = "Your one-time code";
        message.Date = timeProvider.GetUtcNow();
        var minutes = Math.Max(1, (int)Math.Round((code.ExpiresAt - timeProvider.GetUtcNow()).TotalMinutes));
        message.Body = new TextPart("plain")
        {
            Text = string.Create(CultureInfo.InvariantCulture, $"Your one-time code is {code.Code}.\r\n\r\nIt works once, for {minutes} minutes. If you did not ask for it, ignore this email: nobody can read your message without it.\r\n"),
        };

        using var client = new SmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        if (smtp.InsecureAcceptAnyCertificate)
        {
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }

        await client.ConnectAsync(smtp.Host, smtp.Port, SecureSocketOptions.StartTls, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }
}
