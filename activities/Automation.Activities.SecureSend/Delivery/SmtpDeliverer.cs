using System.Net.Sockets;
using System.Security.Authentication;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Automation.Activities.SecureSend.Delivery;

/// <summary>
/// Hands finished MIME to the SMTP relay over pooled MailKit connections: STARTTLS with TLS 1.2/1.3 required when the
/// message says so (a server without STARTTLS then bounces the message: nothing is sent), opportunistic otherwise.
/// Failures become results, never exceptions: 4xx replies, dropped connections and timeouts are transient; 5xx replies
/// and an unmet TLS requirement are permanent (bounces). Reasons carry status codes, never addresses.
/// </summary>
public sealed class SmtpDeliverer : IAsyncDisposable
{
    private readonly SmtpClientPool pool;

    /// <summary>Creates the deliverer.</summary>
    /// <param name="options">The relay.</param>
    /// <exception cref="ArgumentException">The options are invalid (every problem is listed).</exception>
    public SmtpDeliverer(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        pool = new SmtpClientPool(options);
    }

    /// <summary>Delivers messages in order over one pooled connection per TLS requirement.</summary>
    /// <param name="requests">The messages.</param>
    /// <param name="cancellationToken">Cancels delivery (results for unsent messages are transient failures).</param>
    /// <returns>One result per request, in order.</returns>
    public async Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyList<DeliveryRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new DeliveryResult[requests.Count];
        foreach (var group in requests.Select((request, index) => (request, index)).GroupBy(x => x.request.RequireTls))
        {
            await DeliverGroupAsync(group.Key, [.. group], results, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Closes pooled connections.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => pool.DisposeAsync();

    private async Task DeliverGroupAsync(bool requireTls, List<(DeliveryRequest Request, int Index)> items, DeliveryResult[] results, CancellationToken cancellationToken)
    {
        StoredMimeSmtpClient? client = null;
        var next = 0;
        try
        {
            try
            {
                client = await pool.RentAsync(requireTls, cancellationToken).ConfigureAwait(false);
            }
            catch (NotSupportedException) when (requireTls)
            {
                Fill(items, next, results, DeliveryResult.Bounced("TLS 1.2+ required but the SMTP server does not offer STARTTLS"));
                return;
            }
            catch (AuthenticationException exception) when (requireTls)
            {
                Fill(items, next, results, DeliveryResult.Bounced("TLS 1.2+ required but the TLS handshake failed: " + exception.GetType().Name));
                return;
            }

            var tlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null;
            var tlsCipher = client.IsSecure ? client.SslCipherSuite?.ToString() : null;
            if (requireTls && tlsProtocol is null)
            {
                Fill(items, next, results, DeliveryResult.Bounced("TLS 1.2+ required but the connection is not encrypted"));
                return;
            }

            // One parser for the group: each new one allocates its read buffers.
            var parser = new MimeParser(ParserOptions.Default, Stream.Null, persistent: true);
            for (; next < items.Count; next++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var request = items[next].Request;

                // Parsed in place: the parts point into the stored bytes (persistent) rather than copies of them, so the
                // stream stays open until the message is sent.
                using var stream = new MemoryStream(request.Mime, writable: false);
                parser.SetStream(stream, MimeFormat.Default, persistent: true);
                var message = parser.ParseMessage(cancellationToken);
                try
                {
                    await client.SendStoredAsync(message, StoredMimeSmtpClient.SizeOnTheWire(request.Mime), MailboxAddress.Parse(request.From), MailboxAddress.Parse(request.To), cancellationToken).ConfigureAwait(false);
                    results[items[next].Index] = DeliveryResult.Delivered(tlsProtocol, tlsCipher);
                }
                catch (SmtpCommandException exception)
                {
                    var code = (int)exception.StatusCode;
                    var reason = $"SMTP {code} ({exception.ErrorCode})";
                    results[items[next].Index] = code >= 500 ? DeliveryResult.Bounced(reason) : DeliveryResult.Transient(reason);
                }
            }

            pool.Return(client, requireTls, healthy: true);
            client = null;
        }
        catch (Exception exception) when (exception is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException or AuthenticationException or OperationCanceledException or SmtpCommandException)
        {
            // The connection broke (or the relay refused us before the first message): nothing after 'next' was
            // acknowledged, so those messages are retried with the same Message-ID.
            var reason = exception is SmtpCommandException command
                ? $"SMTP {(int)command.StatusCode} ({command.ErrorCode})"
                : "connection failed: " + exception.GetType().Name;
            Fill(items, next, results, DeliveryResult.Transient(reason));
        }
        finally
        {
            client?.Dispose();
        }
    }

    private static void Fill(List<(DeliveryRequest Request, int Index)> items, int from, DeliveryResult[] results, DeliveryResult result)
    {
        for (var i = from; i < items.Count; i++)
        {
            results[items[i].Index] ??= result;
        }
    }
}

/// <summary>One message to deliver.</summary>
/// <param name="MessageKey">The idempotency key.</param>
/// <param name="From">The envelope sender.</param>
/// <param name="To">The envelope recipient.</param>
/// <param name="RequireTls">Refuse a connection without TLS 1.2+.</param>
/// <param name="Mime">The finished MIME bytes.</param>
public sealed record DeliveryRequest(string MessageKey, string From, string To, bool RequireTls, byte[] Mime);

/// <summary>What happened to one message.</summary>
/// <param name="Status"><see cref="DeliveryStatus"/>.</param>
/// <param name="Reason">Why it failed (codes only, no addresses).</param>
/// <param name="TlsProtocol">The TLS protocol, when delivered over TLS.</param>
/// <param name="TlsCipher">The TLS cipher suite, when delivered over TLS.</param>
public sealed record DeliveryResult(DeliveryStatus Status, string? Reason, string? TlsProtocol, string? TlsCipher)
{
    /// <summary>Acknowledged by the server.</summary>
    /// <param name="tlsProtocol">The protocol.</param>
    /// <param name="tlsCipher">The cipher suite.</param>
    /// <returns>The result.</returns>
    public static DeliveryResult Delivered(string? tlsProtocol, string? tlsCipher) => new(DeliveryStatus.Delivered, null, tlsProtocol, tlsCipher);

    /// <summary>Try again later.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The result.</returns>
    public static DeliveryResult Transient(string reason) => new(DeliveryStatus.Transient, reason, null, null);

    /// <summary>Refused for good.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>The result.</returns>
    public static DeliveryResult Bounced(string reason) => new(DeliveryStatus.Bounced, reason, null, null);
}

/// <summary>Delivery outcomes.</summary>
public enum DeliveryStatus
{
    /// <summary>The server acknowledged the message.</summary>
    Delivered,

    /// <summary>A transient failure (4xx, connection dropped): retry.</summary>
    Transient,

    /// <summary>A permanent failure (5xx, TLS requirement unmet): a bounce.</summary>
    Bounced,
}
