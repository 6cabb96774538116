using System.Security.Cryptography.X509Certificates;
using Automation.Server.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;

namespace Automation.Server.Demo;

/// <summary>
/// Opens captured demo mail as its recipient would: S/MIME messages with the demo recipients' private key (generated
/// on the first start into the data folder, never committed); portal notices and TLS messages as they are.
/// </summary>
internal sealed class DemoRecipientKeys(IOptions<AutomationServerOptions> server, IWebHostEnvironment environment)
{
    public async Task<OpenedMail> OpenAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        switch (message.Body)
        {
            case ApplicationPkcs7Mime encrypted:
                var pfx = Path.Combine(Path.GetFullPath(server.Value.DataPath, environment.ContentRootPath), "demo-keys", DemoRecipients.KeyFile);
                if (!File.Exists(pfx))
                {
                    return new OpenedMail(null, null, "Encrypted for a recipient whose key is not in this demo.");
                }

                using (var context = new TemporarySecureMimeContext())
                {
                    using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, null, X509KeyStorageFlags.Exportable);
                    context.Import(certificate);
                    var inner = await encrypted.DecryptAsync(context, cancellationToken).ConfigureAwait(false);
                    var opened = new MimeMessage { Body = inner };
                    return new OpenedMail(opened.HtmlBody, opened.TextBody, "Decrypted with the demo recipient's private key (S/MIME, AES-256).");
                }

            case MultipartEncrypted:
                return new OpenedMail(null, null, "OpenPGP: open it with gpg and the recipient's key.");
            default:
                return new OpenedMail(message.HtmlBody, message.TextBody, null);
        }
    }
}

/// <summary>A message's readable bodies.</summary>
internal sealed record OpenedMail(string? Html, string? Text, string? Note);
