using System.Security.Cryptography;
using Automation.Activities.SecureSend.Policies;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// Builds the finished MIME for each method: HTML + text alternative (plus attachments), Message-ID from the idempotency
/// key, RFC 8058 headers for marketing, then S/MIME enveloped data (AES-256, optionally signed), PGP/MIME (AES-256,
/// integrity-protected), or plain MIME; and a DKIM signature over the result when a key is configured.
/// </summary>
public sealed class SecureMessageBuilder
{
    private static readonly FormatOptions WireFormat = CreateWireFormat();
    private readonly SecureSendOptions options;
    private readonly TemporarySecureMimeContext smimeContext = new();
    private readonly CmsSigner? signer;
    private readonly DkimSigner? dkim;
    private readonly SecureRandom random = new();
    private readonly TimeProvider timeProvider;

    /// <summary>Creates the builder.</summary>
    /// <param name="options">Sender, Message-ID domain, optional S/MIME signer and DKIM key.</param>
    /// <param name="timeProvider">The clock for the Date header.</param>
    /// <exception cref="InvalidOperationException">The signer or DKIM key file cannot be read.</exception>
    public SecureMessageBuilder(SecureSendOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.timeProvider = timeProvider;
        if (options.SignerPfxFile is { Length: > 0 } pfx)
        {
            try
            {
                using var stream = File.OpenRead(pfx);
                signer = new CmsSigner(stream, options.SignerPfxPassword ?? "") { DigestAlgorithm = DigestAlgorithm.Sha256 };
            }
            catch (Exception exception) when (exception is IOException or CryptographicException or ArgumentException or FormatException)
            {
                throw new InvalidOperationException("SecureSend:SignerPfxFile cannot be read as a PKCS#12 file with a private key.", exception);
            }
        }

        if (options.Dkim is { PrivateKeyFile.Length: > 0 } dkimOptions)
        {
            try
            {
                dkim = new DkimSigner(dkimOptions.PrivateKeyFile, dkimOptions.Domain, dkimOptions.Selector)
                {
                    HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                    BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                    SignatureAlgorithm = DkimSignatureAlgorithm.RsaSha256,
                };
            }
            catch (Exception exception) when (exception is IOException or FormatException or ArgumentException)
            {
                throw new InvalidOperationException("SecureSend:Dkim:PrivateKeyFile cannot be read as a PEM private key.", exception);
            }
        }
    }

    /// <summary>The Message-ID for an idempotency key (without angle brackets).</summary>
    /// <param name="messageKey">The key.</param>
    /// <returns><c>key@domain</c>.</returns>
    public string MessageIdFor(string messageKey) => messageKey + "@" + options.MessageIdDomain;

    /// <summary>Builds plain MIME (the <c>tls</c> method).</summary>
    /// <param name="message">The message.</param>
    /// <returns>The MIME bytes.</returns>
    public byte[] BuildPlain(OutgoingMessage message) => Finish(Envelope(message, Body(message)));

    /// <summary>Builds S/MIME enveloped data with AES-256-CBC (signed first when an organisation certificate is configured).</summary>
    /// <param name="message">The message.</param>
    /// <param name="recipient">The recipient's certificate.</param>
    /// <returns>The MIME bytes.</returns>
    public byte[] BuildSmime(OutgoingMessage message, SmimeRecipient recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var body = Body(message);
        if (signer is not null)
        {
            var recipients = new CmsRecipientCollection { recipient.CmsRecipient };
            return Finish(Envelope(message, ApplicationPkcs7Mime.SignAndEncrypt(smimeContext, signer, recipients, body)));
        }

        // Unsigned: our own EnvelopedData writer with the platform's RSA and AES (see SmimeEnvelope), AES-256-CBC pinned.
        body.Prepare(EncodingConstraint.SevenBit);
        using var clear = new MemoryStream();
        body.WriteTo(WireFormat, clear);
        var part = new ApplicationPkcs7Mime(SecureMimeType.EnvelopedData, new MemoryStream(SmimeEnvelope.Encrypt(clear.ToArray(), recipient)));
        return Finish(Envelope(message, part));
    }

    /// <summary>Builds PGP/MIME (RFC 3156) encrypted with AES-256 and an integrity packet.</summary>
    /// <param name="message">The message.</param>
    /// <param name="key">The recipient's encryption key (parsed once and cached by the directory).</param>
    /// <returns>The MIME bytes.</returns>
    public byte[] BuildPgp(OutgoingMessage message, PgpPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var body = Body(message);
        body.Prepare(EncodingConstraint.SevenBit);
        using var clear = new MemoryStream();
        body.WriteTo(WireFormat, clear);

        var armored = PgpMessageEncryptor.Encrypt(clear.ToArray(), key, timeProvider.GetUtcNow(), random);

        var multipart = new MultipartEncrypted();
        multipart.ContentType.Parameters["protocol"] = "application/pgp-encrypted";
        multipart.Add(new MimePart("application", "pgp-encrypted")
        {
            Content = new MimeContent(new MemoryStream("Version: 1\r\n"u8.ToArray())),
            ContentTransferEncoding = ContentEncoding.SevenBit,
        });
        multipart.Add(new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(armored)),
            ContentTransferEncoding = ContentEncoding.SevenBit,
            ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = "encrypted.asc" },
        });
        return Finish(Envelope(message, multipart));
    }

    /// <summary>The header a portal notice carries so mail tools (and the demo's captured-mail page) can tell it from a
    /// plain TLS message; encrypted methods are recognisable from their MIME structure.</summary>
    public const string MethodHeader = "X-Automation-Method";

    /// <summary>Builds the portal notice: a generic subject and a body with the pickup link only, no PHI.</summary>
    /// <param name="message">The original message (its subject and bodies are NOT used).</param>
    /// <param name="pickupUrl">The signed pickup link.</param>
    /// <returns>The MIME bytes.</returns>
    public byte[] BuildPortalNotice(OutgoingMessage message, Uri pickupUrl)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(pickupUrl);
        var link = pickupUrl.AbsoluteUri;
        var notice = message with
        {
            Subject = options.PortalNoticeSubject,
            Text = $"You have a new secure message from {options.OrganizationName}.\r\n\r\nRead it here: {link}\r\n\r\nYou will be asked to confirm your identity.",
            Html = $"<p>You have a new secure message from {System.Net.WebUtility.HtmlEncode(options.OrganizationName)}.</p><p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Read your secure message</a></p><p>You will be asked to confirm your identity.</p>",
            Attachments = [],
        };
        var mime = Envelope(notice, Body(notice));
        mime.Headers.Add(MethodHeader, DeliveryMethod.Portal);
        return Finish(mime);
    }

    /// <summary>Builds the message for a decided method.</summary>
    /// <param name="method">The method.</param>
    /// <param name="message">The message.</param>
    /// <param name="smime">The S/MIME recipient (for <c>smime</c>).</param>
    /// <param name="pgp">The PGP key (for <c>pgp</c>).</param>
    /// <param name="pickupUrl">The pickup link (for <c>portal</c>).</param>
    /// <returns>The MIME bytes.</returns>
    /// <exception cref="InvalidOperationException">The method's key material is missing.</exception>
    public byte[] Build(string method, OutgoingMessage message, SmimeRecipient? smime, PgpPublicKey? pgp, Uri? pickupUrl) => method switch
    {
        DeliveryMethod.Smime => BuildSmime(message, smime ?? throw new InvalidOperationException("No S/MIME certificate for the recipient.")),
        DeliveryMethod.Pgp => BuildPgp(message, pgp ?? throw new InvalidOperationException("No OpenPGP key for the recipient.")),
        DeliveryMethod.Portal => BuildPortalNotice(message, pickupUrl ?? throw new InvalidOperationException("No portal pickup link.")),
        DeliveryMethod.Tls => BuildPlain(message),
        _ => throw new InvalidOperationException($"Unknown method '{method}'."),
    };

    private static FormatOptions CreateWireFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    private static MimeEntity Body(OutgoingMessage message)
    {
        var builder = new BodyBuilder { HtmlBody = message.Html, TextBody = message.Text };
        foreach (var attachment in message.Attachments)
        {
            builder.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }

        return builder.ToMessageBody();
    }

    private MimeMessage Envelope(OutgoingMessage message, MimeEntity body)
    {
        var mime = new MimeMessage
        {
            MessageId = MessageIdFor(message.MessageKey),
            Subject = message.Subject,
            Date = timeProvider.GetUtcNow(),
            Body = body,
        };
        mime.From.Add(MailboxAddress.Parse(message.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        if (message.UnsubscribeUrl is { } unsubscribe)
        {
            mime.Headers.Add("List-Unsubscribe", "<" + unsubscribe.AbsoluteUri + ">");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        return mime;
    }

    private byte[] Finish(MimeMessage mime)
    {
        if (dkim is not null)
        {
            mime.Prepare(EncodingConstraint.SevenBit);
            dkim.Sign(mime, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.ContentType]);
        }

        using var buffer = new MemoryStream();
        mime.WriteTo(WireFormat, buffer);
        return buffer.ToArray();
    }
}
