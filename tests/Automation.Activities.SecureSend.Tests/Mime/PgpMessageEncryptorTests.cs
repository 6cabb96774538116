using System.Text;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Tests.Support;
using Org.BouncyCastle.Security;

namespace Automation.Activities.SecureSend.Tests.Mime;

public sealed class PgpMessageEncryptorTests
{
    [Fact]
    public async Task MessagesToTwoKeysInTurn_EachOpensWithItsRecipientsKeyOnly()
    {
        // The imported RSA keys are reused across messages: the second recipient must get its own, not the first's.
        var (firstHome, firstArmored) = await Tools.GpgKeyAsync("first@example.org");
        var (secondHome, secondArmored) = await Tools.GpgKeyAsync("second@example.org");
        var first = PgpKeys.FindEncryptionKey(PgpKeys.ParseRing(firstArmored), DateTimeOffset.UtcNow, out _)!;
        var second = PgpKeys.FindEncryptionKey(PgpKeys.ParseRing(secondArmored), DateTimeOffset.UtcNow, out _)!;
        var clear = Encoding.ASCII.GetBytes("Content-Type: text/plain\r\n\r\nScreening reminder\r\n");

        var toFirst = PgpMessageEncryptor.Encrypt(clear, first, DateTimeOffset.UtcNow, new SecureRandom());
        var toSecond = PgpMessageEncryptor.Encrypt(clear, second, DateTimeOffset.UtcNow, new SecureRandom());
        var toFirstAgain = PgpMessageEncryptor.Encrypt(clear, PgpKeys.FindEncryptionKey(PgpKeys.ParseRing(firstArmored), DateTimeOffset.UtcNow, out _)!, DateTimeOffset.UtcNow, new SecureRandom());

        Assert.Equal("Screening reminder", (await DecryptAsync(toSecond, secondHome))?.Trim());
        Assert.Null(await DecryptAsync(toSecond, firstHome));
        Assert.Equal("Screening reminder", (await DecryptAsync(toFirst, firstHome))?.Trim());
        Assert.Equal("Screening reminder", (await DecryptAsync(toFirstAgain, firstHome))?.Trim());
    }

    // The message body, or null when gpg cannot decrypt it with the keys in the home.
    private static async Task<string?> DecryptAsync(byte[] armored, string home)
    {
        var file = Tools.WriteTemp(Encoding.ASCII.GetString(armored), ".asc");
        try
        {
            var result = await Tools.RunAsync("gpg", $"--batch --pinentry-mode loopback --passphrase \"\" --decrypt {file}", new Dictionary<string, string> { ["GNUPGHOME"] = home });
            return result.ExitCode == 0 ? result.Output.Split("\r\n\r\n", 2)[^1] : null;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
