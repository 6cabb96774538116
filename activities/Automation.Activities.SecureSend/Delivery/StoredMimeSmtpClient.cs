using MailKit.Net.Smtp;
using MimeKit;

namespace Automation.Activities.SecureSend.Delivery;

/// <summary>
/// A MailKit client that announces <c>SIZE=</c> (RFC 1870) for a message parsed from stored MIME by counting the
/// stored bytes, instead of MailKit writing the whole message once more into a measuring stream before sending it.
/// </summary>
internal sealed class StoredMimeSmtpClient : SmtpClient
{
    private long? knownSize;

    /// <summary>The size of stored MIME on the wire (before dot-stuffing): its bytes with every bare LF sent as CRLF and
    /// a final line break added when missing, as MailKit writes a message parsed from them. RFC 1870 lets the size be
    /// an estimate; headers MailKit leaves out (Bcc, Resent-Bcc, Content-Length) are counted.</summary>
    /// <param name="mime">The stored MIME.</param>
    /// <returns>The size in bytes.</returns>
    public static long SizeOnTheWire(ReadOnlySpan<byte> mime)
    {
        var bareLineFeeds = mime.Count((byte)'\n') - mime.Count("\r\n"u8);
        var finalLineBreak = mime.IsEmpty || mime[^1] == (byte)'\n' ? 0 : 2;
        return mime.Length + bareLineFeeds + finalLineBreak;
    }

    /// <summary>Sends a message parsed from stored MIME, announcing <paramref name="size"/> instead of measuring it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="size">Its size on the wire (<see cref="SizeOnTheWire"/>).</param>
    /// <param name="sender">The envelope sender.</param>
    /// <param name="recipient">The envelope recipient.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task.</returns>
    public async Task SendStoredAsync(MimeMessage message, long size, MailboxAddress sender, MailboxAddress recipient, CancellationToken cancellationToken)
    {
        knownSize = size;
        try
        {
            await SendAsync(message, sender, [recipient], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            knownSize = null;
        }
    }

    // SendStoredAsync sends asynchronously, so only the asynchronous measurement needs the known size.
    /// <inheritdoc />
    protected override Task<long> GetSizeAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        knownSize is { } size ? Task.FromResult(size) : base.GetSizeAsync(options, message, cancellationToken);
}
