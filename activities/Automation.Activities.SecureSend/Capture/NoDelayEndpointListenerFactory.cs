using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Automation.Activities.SecureSend.Capture;

/// <summary>
/// SmtpServer's listener with Nagle's algorithm off on every session. SmtpServer writes each reply to a pipelined
/// command (MAIL, RCPT, DATA) on its own; with Nagle on, the second reply waits for the client's delayed ACK of the
/// first, about 40 ms a message on loopback. With this listener, clients can keep PIPELINING on.
/// </summary>
internal sealed class NoDelayEndpointListenerFactory : IEndpointListenerFactory
{
    /// <inheritdoc />
    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var listener = new TcpListener(endpointDefinition.Endpoint);
        listener.Start();
        return new Listener(listener);
    }

    internal sealed class Listener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var session = await AcceptAsync(cancellationToken).ConfigureAwait(false);
            context.Properties[EndpointListener.LocalEndPointKey] = session.Socket.LocalEndPoint!;
            context.Properties[EndpointListener.RemoteEndPointKey] = session.Socket.RemoteEndPoint!;
            return session;
        }

        /// <summary>Accepts the next connection, with Nagle's algorithm off.</summary>
        public async Task<SessionPipe> AcceptAsync(CancellationToken cancellationToken)
        {
            var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            socket.NoDelay = true;
            return new SessionPipe(socket);
        }

        public void Dispose() => listener.Stop();
    }

    /// <summary>A session's connection as pipes, switched to TLS in place by STARTTLS.</summary>
    internal sealed class SessionPipe : ISecurableDuplexPipe
    {
        private Stream stream;

        public SessionPipe(Socket socket)
        {
            Socket = socket;
            stream = new NetworkStream(socket, ownsSocket: true);
            Input = PipeReader.Create(stream);
            Output = PipeWriter.Create(stream);
        }

        /// <summary>The accepted socket (for tests: its options).</summary>
        public Socket Socket { get; }

        public PipeReader Input { get; private set; }

        public PipeWriter Output { get; private set; }

        public bool IsSecure => stream is SslStream;

        public SslProtocols SslProtocol => (stream as SslStream)?.SslProtocol ?? SslProtocols.None;

        public async Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                EnabledSslProtocols = protocols,
                ClientCertificateRequired = false,
            }, cancellationToken).ConfigureAwait(false);
            stream = tls;
            Input = PipeReader.Create(tls);
            Output = PipeWriter.Create(tls);
        }

        public void Dispose() => stream.Dispose();
    }
}
