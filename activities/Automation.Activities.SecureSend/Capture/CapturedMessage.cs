namespace Automation.Activities.SecureSend.Capture;

/// <summary>A message the capture SMTP server accepted.</summary>
/// <param name="Sequence">Arrival order, from 1.</param>
/// <param name="ReceivedAt">When the server accepted it.</param>
/// <param name="From">The envelope sender.</param>
/// <param name="To">The envelope recipients.</param>
/// <param name="OverTls">Whether the session had switched to TLS (STARTTLS) before the message.</param>
/// <param name="MessageId">The Message-ID header without angle brackets, when present.</param>
/// <param name="Raw">The message as received (MIME), or empty when the capture keeps counts only.</param>
public sealed record CapturedMessage(long Sequence, DateTimeOffset ReceivedAt, string From, IReadOnlyList<string> To, bool OverTls, string? MessageId, byte[] Raw);
