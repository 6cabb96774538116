namespace Automation.Activities.SecureSend.Portal;

/// <summary>A decrypted portal message, shown only after both identity steps.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="HtmlBody">The HTML body, untrusted: show it sandboxed.</param>
/// <param name="TextBody">The text body, if any.</param>
public sealed record PortalContent(string Subject, string HtmlBody, string? TextBody);
