using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Automation.Activities.SecureSend.Testing;

/// <summary>
/// A real SMTP server on 127.0.0.1 that captures raw messages (tests, the demo, the campaign benchmark). With
/// <c>startTls</c> it offers STARTTLS with a freshly generated self-signed certificate (clients must accept any
/// certificate); without it the server offers no TLS at all. <see cref="Responder"/> can refuse or delay messages.
/// Not for production traffic: it accepts mail for anyone and keeps it in memory.
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<CapturedMessage> messages = new();
    private readonly Task running;
    private int received;

    private LoopbackSmtpServer(bool startTls, bool keepMessages)
    {
        KeepMessages = keepMessages;
        Port = FreePort();
        var endpoint = new EndpointDefinitionBuilder().Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).SessionTimeout(TimeSpan.FromMinutes(2));
        if (startTls)
        {
            endpoint = endpoint.Certificate(CreateCertificate()).SupportedSslProtocols(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        }

        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(endpoint.Build()).MaxMessageSize(50 * 1024 * 1024).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CaptureStore(this));
        services.Add(new Capture.NoDelayEndpointListenerFactory());
        var server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stop.Token);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Whether captured messages are kept (turn off for throughput runs: only <see cref="Received"/> counts).</summary>
    public bool KeepMessages { get; }

    /// <summary>Decides the reply to each message: return 250 to accept (the default), any other SMTP code to refuse
    /// it (it is then not captured). May delay, to hold back the acknowledgement.</summary>
    public Func<byte[], CancellationToken, ValueTask<int>>? Responder { get; set; }

    /// <summary>The accepted messages, in arrival order.</summary>
    public IReadOnlyList<CapturedMessage> Messages => [.. messages];

    /// <summary>How many messages were accepted.</summary>
    public int Received => Volatile.Read(ref received);

    /// <summary>Starts a server on a free loopback port.</summary>
    /// <param name="startTls">Offer STARTTLS (TLS 1.2/1.3) with a generated certificate.</param>
    /// <param name="keepMessages">Keep the raw messages (otherwise only count them).</param>
    /// <returns>The running server.</returns>
    public static async Task<LoopbackSmtpServer> StartAsync(bool startTls = true, bool keepMessages = true)
    {
        // The free port is picked before the server binds it, so another process can take it in between: then the
        // server's listener faults and a new port is tried (a probe alone could reach the other process's listener).
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var server = new LoopbackSmtpServer(startTls, keepMessages);
            for (var i = 0; i < 100 && !server.running.IsCompleted; i++)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, server.Port).ConfigureAwait(false);
                    await Task.Delay(20).ConfigureAwait(false);
                    if (!server.running.IsCompleted)
                    {
                        return server;
                    }
                }
                catch (SocketException)
                {
                    await Task.Delay(20).ConfigureAwait(false);
                }
            }

            await server.DisposeAsync().ConfigureAwait(false);
        }

        throw new InvalidOperationException("The loopback SMTP server did not start.");
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were accepted.</summary>
    /// <param name="count">The count.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <returns><c>true</c> when reached.</returns>
    public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Received < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException)
        {
            // Stopping is the point; a listener that never bound (port taken) has nothing to stop.
        }

        stop.Dispose();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private sealed class CaptureStore(LoopbackSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var raw = buffer.ToArray();
            var code = owner.Responder is { } responder ? await responder(raw, cancellationToken).ConfigureAwait(false) : 250;
            if (code != 250)
            {
                return new SmtpResponse((SmtpReplyCode)code, code >= 500 ? "rejected by test server" : "try again later");
            }

            if (owner.KeepMessages)
            {
                owner.messages.Enqueue(new CapturedMessage(raw, transaction.From?.User + "@" + transaction.From?.Host,
                    [.. transaction.To.Select(m => m.User + "@" + m.Host)], context.Pipe.IsSecure));
            }

            Interlocked.Increment(ref owner.received);
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>A message the loopback server accepted.</summary>
/// <param name="Raw">The raw message bytes as received after DATA.</param>
/// <param name="From">The envelope sender.</param>
/// <param name="To">The envelope recipients.</param>
/// <param name="OverTls">Whether the session had switched to TLS.</param>
public sealed record CapturedMessage(byte[] Raw, string From, IReadOnlyList<string> To, bool OverTls);
