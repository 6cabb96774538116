using System.Text;
using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Capture;
using MailKit.Security;
using MimeKit;

namespace Automation.Activities.SecureSend.Tests.Delivery;

public sealed class StoredMimeSmtpClientTests
{
    private static readonly MailboxAddress Address = MailboxAddress.Parse("ana@example.org");

    [Theory]
    [InlineData("a\r\nb\r\n", 6)]
    [InlineData("a\nb\n", 6)]
    [InlineData("a\r\nb", 6)]
    [InlineData("\n", 2)]
    [InlineData("\r\n", 2)]
    [InlineData("", 0)]
    public void SizeOnTheWire_SendsBareLineFeedsAsCrlfAndEndsWithALineBreak(string mime, long expected) =>
        Assert.Equal(expected, StoredMimeSmtpClient.SizeOnTheWire(Encoding.ASCII.GetBytes(mime)));

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void SizeOnTheWire_IsWhatMailKitWouldMeasureForTheParsedMessage(string newLine)
    {
        var stored = Encoding.ASCII.GetBytes(string.Join(newLine,
            "From: clinic@example.org", "To: ana@example.org", "Subject: a folded", "  subject line", "Message-ID: <m1@example.org>",
            "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"b1\"", "", "preamble", "--b1",
            "Content-Type: text/plain", "", "Hello", "--b1", "Content-Type: text/html", "Content-Transfer-Encoding: base64", "",
            "PHA+SGVsbG88L3A+", "--b1--", "epilogue"));
        var message = MimeMessage.Load(new MemoryStream(stored, writable: false));
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        using var written = new MemoryStream();

        message.WriteTo(options, written);

        Assert.Equal(written.Length, StoredMimeSmtpClient.SizeOnTheWire(stored));
    }

    [Fact]
    public async Task SendStored_WritesTheMessageOnce_MailKitsOwnSendWritesItTwice()
    {
        await using var server = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
        using var client = new StoredMimeSmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        var known = Message("known", out var knownBody);
        var measured = Message("measured", out var measuredBody);

        await client.SendStoredAsync(known, 4096, Address, Address, CancellationToken.None);
        await client.SendAsync(measured);

        Assert.Equal(knownBody.Length, knownBody.BytesRead);
        Assert.Equal(2 * measuredBody.Length, measuredBody.BytesRead);
        Assert.Equal(2, server.Count);
    }

    private static MimeMessage Message(string id, out CountingStream body)
    {
        body = new CountingStream(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("SGVsbG8gd29ybGQh\r\n", 200))));
        var message = new MimeMessage { Subject = id, MessageId = id + "@example.org" };
        message.From.Add(MailboxAddress.Parse("clinic@example.org"));
        message.To.Add(MailboxAddress.Parse("ana@example.org"));
        message.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(body, ContentEncoding.Base64),
            ContentTransferEncoding = ContentEncoding.Base64,
        };
        return message;
    }

    /// <summary>Counts the bytes read from it, however often it is rewound (it wraps the bytes rather than deriving from
    /// <see cref="MemoryStream"/>, whose read overloads call each other).</summary>
    private sealed class CountingStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes, writable: false);

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
