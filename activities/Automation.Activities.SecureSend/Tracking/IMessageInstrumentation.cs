namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// Adds engagement tracking to a message before it is encrypted: links become signed click redirects (the target URL
/// recorded for the message, so the redirect can go nowhere else), an open pixel is appended, and marketing messages get
/// a signed unsubscribe link for the body and the RFC 8058 headers. Secure send depends on this seam so its tests can
/// run without the tracking store.
/// </summary>
public interface IMessageInstrumentation
{
    /// <summary>Instruments one message and records its links. Idempotent by message id (the outbox may retry).</summary>
    /// <param name="message">The rendered message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instrumented bodies and the unsubscribe URL (marketing only).</returns>
    Task<InstrumentedMessage> InstrumentAsync(TrackedMessage message, CancellationToken cancellationToken = default);
}

/// <summary>A rendered message to instrument.</summary>
/// <param name="MessageId">The idempotency key of the send (the only id tokens carry).</param>
/// <param name="PatientId">The patient it is about (stored server-side, never put in a URL).</param>
/// <param name="InstanceId">The workflow instance (empty outside a workflow).</param>
/// <param name="DefinitionId">The journey (for reports; empty outside a workflow).</param>
/// <param name="Purpose">The send purpose (<c>marketing</c>, <c>treatment</c>, ...).</param>
/// <param name="IsMarketing">Whether unsubscribe link and headers are required.</param>
/// <param name="Html">The rendered HTML body.</param>
/// <param name="Text">The rendered text body, if any.</param>
public sealed record TrackedMessage(string MessageId, string PatientId, string InstanceId, string DefinitionId, string Purpose, bool IsMarketing, string Html, string? Text);

/// <summary>The instrumented message.</summary>
/// <param name="Html">HTML with click redirects, open pixel and (marketing) unsubscribe link.</param>
/// <param name="Text">Text with click redirects and (marketing) unsubscribe link.</param>
/// <param name="UnsubscribeUrl">The one-click unsubscribe URL for <c>List-Unsubscribe</c> (marketing only).</param>
public sealed record InstrumentedMessage(string Html, string? Text, Uri? UnsubscribeUrl);
