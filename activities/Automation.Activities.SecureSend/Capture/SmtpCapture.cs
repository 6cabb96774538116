using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Automation.Activities.SecureSend.Capture;

/// <summary>
/// A real SMTP server on loopback that accepts every message and keeps it: the embedded demo's local mail capture
/// (nothing leaves the machine), the campaign benchmark's sink, and the tests' receiving end. Offers STARTTLS with a
/// self-signed certificate generated at start, so delivery code runs exactly as against a production relay.
/// </summary>
public sealed class SmtpCapture : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer server;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<CapturedMessage> recent = new();
    private readonly SmtpCaptureOptions options;
    private readonly Task running;
    private readonly CaptureFolder? folder;
    private long count;
    private long lastSequence;

    private SmtpCapture(SmtpCaptureOptions options, int port, X509Certificate2? certificate)
    {
        this.options = options;
        if (options.Folder is not null)
        {
            folder = new CaptureFolder(options.Folder);
            var (kept, last) = folder.Load(options.Keep);
            kept.ForEach(recent.Enqueue);
            lastSequence = last;
        }

        Port = port;
        Certificate = certificate;
        var endpoint = new EndpointDefinitionBuilder().Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(false).SessionTimeout(TimeSpan.FromMinutes(2));
        if (certificate is not null)
        {
            endpoint = endpoint.Certificate(certificate).SupportedSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }

        var serverOptions = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(endpoint.Build()).MaxMessageSize(64 * 1024 * 1024).Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        services.Add(new NoDelayEndpointListenerFactory());
        server = new SmtpServer.SmtpServer(serverOptions, services);
        running = server.StartAsync(stopping.Token);
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The self-signed certificate offered for STARTTLS, or <c>null</c> when STARTTLS is off.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Messages accepted since start.</summary>
    public long Count => Interlocked.Read(ref count);

    /// <summary>Decides the reply to each message (tests of refusals and slow servers): return 250 to accept, the
    /// default when unset, or any other SMTP code to refuse it, which is then neither counted nor kept. May delay, to hold
    /// back the acknowledgement.</summary>
    public Func<byte[], CancellationToken, ValueTask<int>>? Responder { get; set; }

    /// <summary>Called for every accepted message (on the SMTP session's thread; keep it quick).</summary>
    public event Action<CapturedMessage>? MessageReceived;

    /// <summary>The most recent messages (up to <see cref="SmtpCaptureOptions.Keep"/>), oldest first, those already in
    /// <see cref="SmtpCaptureOptions.Folder"/> at start included.</summary>
    public IReadOnlyList<CapturedMessage> Messages => [.. recent];

    /// <summary>Starts a capture server.</summary>
    /// <param name="options">Port, STARTTLS, retention.</param>
    /// <returns>The running server.</returns>
    public static SmtpCapture Start(SmtpCaptureOptions? options = null)
    {
        options ??= new SmtpCaptureOptions();

        // A free port is picked before the server binds it, so another process can take it in between: the listener
        // then faults at once and another port is tried. A configured port is used as given.
        for (var attempt = 0; ; attempt++)
        {
            var capture = new SmtpCapture(options, options.Port != 0 ? options.Port : FreePort(), options.StartTls ? CreateCertificate() : null);
            if (options.Port != 0 || attempt == 4 || !SpinWait.SpinUntil(() => capture.running.IsCompleted, 50))
            {
                return capture;
            }

            capture.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits until at least <paramref name="expected"/> messages have arrived.</summary>
    /// <param name="expected">The count to reach.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>Whether the count was reached in time.</returns>
    public async Task<bool> WaitForCountAsync(long expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Count < expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        server.Shutdown();
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException)
        {
            // Stopping is the point; a listener that never bound (port taken) has nothing to stop.
        }

        stopping.Dispose();
        Certificate?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));

        // SslStream on Linux needs the key in a persisted (PKCS#12-loaded) form, not the ephemeral one.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private void Accept(string from, IReadOnlyList<string> to, bool overTls, ReadOnlySequence<byte> buffer)
    {
        // Counting alone (the benchmark) copies only the header block, which is all the Message-ID needs.
        var keepBytes = options.Keep > 0 || folder is not null;
        var raw = keepBytes ? buffer.ToArray() : HeaderBlock(buffer);
        Interlocked.Increment(ref count);
        var sequence = Interlocked.Increment(ref lastSequence);
        var message = new CapturedMessage(sequence, DateTimeOffset.UtcNow, from, to, overTls, MessageIdOf(raw), options.Keep > 0 ? raw : []);
        if (options.Keep > 0)
        {
            recent.Enqueue(message);
            while (recent.Count > options.Keep && recent.TryDequeue(out _))
            {
            }
        }

        folder?.Write(message, raw);

        MessageReceived?.Invoke(message);
    }

    private static byte[] HeaderBlock(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> headers, "\r\n\r\n"u8, advancePastDelimiter: false) ? headers.ToArray() : buffer.ToArray();
    }

    /// <summary>Reads the Message-ID header from the header block without parsing the whole message.</summary>
    /// <param name="raw">The message bytes.</param>
    /// <returns>The id without angle brackets, or <c>null</c>.</returns>
    internal static string? MessageIdOf(ReadOnlySpan<byte> raw)
    {
        var end = raw.IndexOf("\r\n\r\n"u8);
        var headers = end < 0 ? raw : raw[..end];
        var at = IndexOfIgnoreCase(headers, "\nMessage-ID:"u8);
        if (at < 0)
        {
            if (!StartsWithIgnoreCase(headers, "Message-ID:"u8))
            {
                return null;
            }

            at = -1;
        }

        var value = headers[(at + 1 + "Message-ID:".Length)..];
        var lineEnd = value.IndexOf("\r\n"u8);
        var text = Encoding.ASCII.GetString(lineEnd < 0 ? value : value[..lineEnd]).Trim();
        return text.Trim('<', '>');
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (StartsWithIgnoreCase(haystack[i..], needle))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix) =>
        text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);

    private sealed class Store(SmtpCapture capture) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (capture.Responder is { } responder && await responder(buffer.ToArray(), cancellationToken).ConfigureAwait(false) is var code and not 250)
            {
                return new SmtpResponse((SmtpReplyCode)code, code >= 500 ? "rejected by the capture's responder" : "try again later");
            }

            capture.Accept(
                transaction.From?.AsAddress() ?? "",
                transaction.To.Select(m => m.AsAddress()).ToList(),
                context.Pipe?.IsSecure ?? false,
                buffer);
            return SmtpResponse.Ok;
        }
    }
}
