namespace Automation.Activities.SecureSend.Mime;

/// <summary>A rendered message ready to be built into MIME.</summary>
/// <param name="MessageKey">The idempotency key; the Message-ID is <c>&lt;key@domain&gt;</c>.</param>
/// <param name="From">The sender mailbox.</param>
/// <param name="To">The recipient address (normalised).</param>
/// <param name="Subject">The rendered subject.</param>
/// <param name="Html">The rendered HTML body.</param>
/// <param name="Text">The rendered text body, if any.</param>
/// <param name="Attachments">Attachments.</param>
/// <param name="UnsubscribeUrl">The RFC 8058 one-click URL (marketing only).</param>
public sealed record OutgoingMessage(string MessageKey, string From, string To, string Subject, string Html, string? Text, IReadOnlyList<MessageAttachment> Attachments, Uri? UnsubscribeUrl);

/// <summary>An attachment.</summary>
/// <param name="FileName">The file name.</param>
/// <param name="ContentType">The media type (<c>application/pdf</c>).</param>
/// <param name="Content">The bytes.</param>
public sealed record MessageAttachment(string FileName, string ContentType, byte[] Content);
