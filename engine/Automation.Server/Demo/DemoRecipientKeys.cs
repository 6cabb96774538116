using MimeKit;

namespace Automation.Server.Demo;

/// <summary>
/// The demo recipients' private keys (generated on first start, kept in the data folder, never committed), so the
/// captured-mail page can show what a recipient would read. Plain messages open as they are.
/// </summary>
internal sealed class DemoRecipientKeys
{
    /// <summary>The header secure send puts on a message to name its delivery method (used for portal notices).</summary>
    public const string MethodHeader = "X-Automation-Method";

    public Task<OpenedMail> OpenAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (DemoMailEndpoints.MethodOf(message) is "smime" or "pgp")
        {
            return Task.FromResult(new OpenedMail(null, null, "Encrypted for the recipient; no demo key can open it."));
        }

        return Task.FromResult(new OpenedMail(message.HtmlBody, message.TextBody, null));
    }
}

/// <summary>A message's readable bodies.</summary>
internal sealed record OpenedMail(string? Html, string? Text, string? Note);
