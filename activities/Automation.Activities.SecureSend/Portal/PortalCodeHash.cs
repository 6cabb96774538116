using System.Security.Cryptography;
using System.Text;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// The stored form of a one-time code: <c>salt:SHA-256(salt | message id | code)</c>. Six digits can be tried
/// exhaustively offline whatever the hash, so the protection is elsewhere: the code lives ten minutes, dies after one
/// use, and five wrong tries lock the message. The hash keeps the code out of backups and database screens.
/// </summary>
internal static class PortalCodeHash
{
    public static string NewCode() => RandomNumberGenerator.GetInt32(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static string Hash(string messageId, string code)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return Convert.ToBase64String(salt) + ":" + Convert.ToHexStringLower(Compute(salt, messageId, code));
    }

    public static bool Matches(string stored, string messageId, string code)
    {
        var separator = stored.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(stored[..separator]);
            expected = Convert.FromHexString(stored[(separator + 1)..]);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, Compute(salt, messageId, code));
    }

    private static byte[] Compute(byte[] salt, string messageId, string code) =>
        SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(messageId + "|" + code)]);
}
