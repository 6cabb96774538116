using MimeKit;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>Normalises and checks e-mail addresses for the directory and the send path.</summary>
public static class RecipientAddress
{
    /// <summary>Parses one plain address (<c>local@domain</c>) and lower-cases it.</summary>
    /// <param name="value">The address.</param>
    /// <param name="normalized">The normalised address.</param>
    /// <returns><c>true</c> when it is one valid mailbox with a domain.</returns>
    public static bool TryNormalize(string? value, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(value) || !MailboxAddress.TryParse(ParserOptions.Default, value.Trim(), out var mailbox))
        {
            return false;
        }

        var address = mailbox.Address;
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.IndexOfAny([' ', '\r', '\n', '<', '>']) >= 0 || !address[(at + 1)..].Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        normalized = address.ToLowerInvariant();
        return true;
    }

    /// <summary>The domain part of a normalised address.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The domain.</returns>
    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];
}
