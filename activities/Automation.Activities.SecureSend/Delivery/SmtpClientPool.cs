using System.Collections.Concurrent;
using System.Security.Authentication;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Automation.Activities.SecureSend.Delivery;

/// <summary>
/// Open, authenticated SMTP connections for reuse, kept apart by whether TLS 1.2+ was required when they were opened
/// (an opportunistic connection may lack TLS, so it never carries a message that requires it).
/// </summary>
internal sealed class SmtpClientPool : IAsyncDisposable
{
    private readonly SmtpOptions options;
    private readonly ConcurrentBag<StoredMimeSmtpClient> required = [];
    private readonly ConcurrentBag<StoredMimeSmtpClient> opportunistic = [];

    public SmtpClientPool(SmtpOptions options) => this.options = options;

    /// <summary>Rents a connected client.</summary>
    /// <exception cref="NotSupportedException">TLS is required and the server offers no STARTTLS (or TLS mode is none).</exception>
    public async Task<StoredMimeSmtpClient> RentAsync(bool requireTls, CancellationToken cancellationToken)
    {
        var bag = requireTls ? required : opportunistic;
        while (bag.TryTake(out var pooled))
        {
            if (pooled.IsConnected)
            {
                return pooled;
            }

            pooled.Dispose();
        }

        if (requireTls && options.TlsMode == "none")
        {
            throw new NotSupportedException("TLS is required but SecureSend:Smtp:TlsMode is none.");
        }

        var client = new StoredMimeSmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13, Timeout = 30_000 };
        if (options.InsecureAcceptAnyCertificate)
        {
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }

        try
        {
            var socketOptions = options.TlsMode == "none" ? SecureSocketOptions.None
                : requireTls ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable;
            await client.ConnectAsync(options.Host, options.Port, socketOptions, cancellationToken).ConfigureAwait(false);
            if (options.DisablePipelining)
            {
                client.Capabilities &= ~SmtpCapabilities.Pipelining;
            }

            if (options.UserName is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Returns a client for reuse, or disposes it when it is no longer usable or the pool is full.</summary>
    public void Return(StoredMimeSmtpClient client, bool requireTls, bool healthy)
    {
        var bag = requireTls ? required : opportunistic;
        if (healthy && client.IsConnected && bag.Count < options.PoolSize)
        {
            bag.Add(client);
            return;
        }

        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bag in new[] { required, opportunistic })
        {
            while (bag.TryTake(out var client))
            {
                try
                {
                    if (client.IsConnected)
                    {
                        await client.DisconnectAsync(true).ConfigureAwait(false);
                    }
                }
                catch (Exception exception) when (exception is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
                {
                    // The server is gone; nothing to close politely.
                }

                client.Dispose();
            }
        }
    }
}
