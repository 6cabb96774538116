using System.Security.Cryptography;
using System.Text.Json;
using Automation.Activities.SecureSend.Recipients;
using Automation.Engine.Audit;
using Automation.Engine.Outbox;
using Automation.Engine.Security;

namespace Automation.Activities.SecureSend.Delivery;

/// <summary>
/// Delivers <c>secure-send</c> outbox items through the SMTP relay and audits each delivery (with the TLS protocol and
/// cipher) or bounce. Transient failures come back as retries with exponential back-off; the Message-ID is fixed in the
/// stored MIME, so every attempt carries the same one. The at-least-once window: a message the relay acknowledged but
/// whose <c>done</c> was not yet recorded (crash in between) is sent again, once, with the same Message-ID.
/// </summary>
public sealed class SecureSendOutboxHandler : IOutboxHandler, IAsyncDisposable
{
    private readonly SmtpDeliverer deliverer;
    private readonly PhiProtector protector;
    private readonly IAuditLog audit;
    private readonly SmtpOptions options;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">The relay.</param>
    /// <param name="protector">Decrypts the payloads.</param>
    /// <param name="audit">Receives delivered and bounced records.</param>
    /// <param name="timeProvider">The clock for retry times.</param>
    public SecureSendOutboxHandler(SmtpOptions options, PhiProtector protector, IAuditLog audit, TimeProvider timeProvider)
    {
        this.options = options;
        this.protector = protector;
        this.audit = audit;
        this.timeProvider = timeProvider;
        deliverer = new SmtpDeliverer(options);
    }

    /// <inheritdoc />
    public string Topic => OutboxEnvelope.Topic;

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxResult>> HandleAsync(IReadOnlyList<OutboxItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var results = new OutboxResult[items.Count];
        var envelopes = new OutboxEnvelope?[items.Count];
        var requests = new List<DeliveryRequest>(items.Count);
        var positions = new List<int>(items.Count);
        var audits = new List<AuditEntry>();
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                var envelope = OutboxEnvelope.Unprotect(protector, items[i].Id, items[i].Payload);
                envelopes[i] = envelope;
                requests.Add(new DeliveryRequest(items[i].Id, envelope.From, envelope.To, envelope.RequireTls, envelope.Mime));
                positions.Add(i);
            }
            catch (Exception exception) when (exception is CryptographicException or JsonException)
            {
                results[i] = OutboxResult.Dead("payload unreadable: " + exception.GetType().Name);
                audits.Add(Entry(items[i], null, AuditActions.MessageFailed, "failed", results[i]));
            }
        }

        var delivered = await deliverer.DeliverAsync(requests, cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < delivered.Count; j++)
        {
            var i = positions[j];
            var outcome = delivered[j];
            var envelope = envelopes[i]!;
            switch (outcome.Status)
            {
                case DeliveryStatus.Delivered:
                    results[i] = OutboxResult.Done;
                    audits.Add(Entry(items[i], envelope, AuditActions.MessageDelivered, "delivered", null) with { TlsProtocol = outcome.TlsProtocol, TlsCipher = outcome.TlsCipher });
                    break;
                case DeliveryStatus.Bounced:
                    results[i] = OutboxResult.Dead("bounced: " + outcome.Reason);
                    audits.Add(Entry(items[i], envelope, AuditActions.MessageBounced, "bounced", results[i]));
                    break;
                default:
                    results[i] = OutboxResult.RetryAt(timeProvider.GetUtcNow() + Backoff(items[i].Attempt), outcome.Reason ?? "transient failure");
                    break;
            }
        }

        if (audits.Count > 0)
        {
            await audit.AppendAsync(audits, CancellationToken.None).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Closes pooled connections.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => deliverer.DisposeAsync();

    private TimeSpan Backoff(int attempt)
    {
        var delay = options.RetryDelay * Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    private static AuditEntry Entry(OutboxItem item, OutboxEnvelope? envelope, string action, string result, OutboxResult? outcome) => new()
    {
        Action = action,
        Actor = "system:outbox",
        Result = result,
        InstanceId = item.InstanceId.Length > 0 ? item.InstanceId : null,
        MessageId = item.Id,
        PatientHash = envelope?.PatientHash,
        Method = envelope?.Method,
        Details = new Dictionary<string, string>
        {
            ["attempt"] = item.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["recipientDomain"] = envelope is null ? "" : RecipientAddress.DomainOf(envelope.To),
            ["reason"] = outcome switch
            {
                OutboxResult.DeadResult dead => dead.Reason,
                OutboxResult.RetryResult retry => retry.Reason,
                _ => "",
            },
        },
    };
}
