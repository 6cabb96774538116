using MailKit.Net.Smtp;
using MimeKit;

namespace Automation.Activities.SecureSend.Delivery;

/// <summary>
/// A MailKit client that announces <c>SIZE=</c> (RFC 1870) for a message parsed from stored MIME by counting the
/// stored bytes, instead of MailKit writing the whole message once more into a measuring stream before sending it.
/// </summary>
internal sealed class StoredMimeSmtpClient : SmtpClient
{
    /// <summary>The size to announce for the next message sent; <c>null</c> lets MailKit measure it.</summary>
    public long? NextMessageSize { get; set; }

    /// <summary>The size the message will have on the wire (before dot-stuffing): its bytes with every bare LF sent as
    /// CRLF and a final line break added when missing, as MailKit writes a parsed message.</summary>
    /// <param name="mime">The stored MIME.</param>
    /// <returns>The size in bytes.</returns>
    public static long SizeOnTheWire(ReadOnlySpan<byte> mime)
    {
        long size = mime.Length;
        for (var i = mime.IndexOf((byte)'\n'); i >= 0; i = NextLineFeed(mime, i))
        {
            if (i == 0 || mime[i - 1] != (byte)'\r')
            {
                size++;
            }
        }

        return mime.IsEmpty || mime[^1] == (byte)'\n' ? size : size + 2;

        static int NextLineFeed(ReadOnlySpan<byte> bytes, int after)
        {
            var next = bytes[(after + 1)..].IndexOf((byte)'\n');
            return next < 0 ? -1 : after + 1 + next;
        }
    }

    /// <inheritdoc />
    protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        NextMessageSize ?? base.GetSize(options, message, cancellationToken);

    /// <inheritdoc />
    protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        NextMessageSize is { } size ? Task.FromResult(size) : base.GetSizeAsync(options, message, cancellationToken);
}
