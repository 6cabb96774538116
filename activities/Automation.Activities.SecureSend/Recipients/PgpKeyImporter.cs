using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>Checks an armored OpenPGP public key before it enters the directory: it parses, is not revoked or expired,
/// and has an encryption-capable (sub)key.</summary>
public sealed class PgpKeyImporter(TimeProvider timeProvider)
{
    /// <summary>Parses and checks armored public keys; one entry per key ring and address.</summary>
    /// <param name="armored">The ASCII-armored public key block.</param>
    /// <param name="address">The address to file it under; when <c>null</c>, the addresses in the key's user ids.</param>
    /// <returns>The entries to store.</returns>
    /// <exception cref="RecipientImportException">The key is malformed, expired, revoked, cannot encrypt, or names no address.</exception>
    public IReadOnlyList<PgpKeyEntry> Import(string armored, string? address)
    {
        ArgumentNullException.ThrowIfNull(armored);
        if (!armored.Contains("-----BEGIN PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal))
        {
            throw new RecipientImportException("key", armored.Contains("-----BEGIN PGP PRIVATE KEY BLOCK-----", StringComparison.Ordinal)
                ? "That is a private key; import only the recipient's public key."
                : "The file is not an ASCII-armored OpenPGP public key block.");
        }

        var bundle = ParseBundle(armored);
        var entries = new List<PgpKeyEntry>();
        foreach (PgpPublicKeyRing ring in bundle.GetKeyRings())
        {
            var master = ring.GetPublicKey();
            var encryptionKey = PgpKeys.FindEncryptionKey(ring, timeProvider.GetUtcNow(), out var problem)
                ?? throw new RecipientImportException("key", $"Key {master.KeyId:X16}: {problem}.");
            var addresses = address is not null ? [address] : UserIdAddresses(master).ToList();
            if (addresses.Count == 0)
            {
                throw new RecipientImportException("address", $"Key {master.KeyId:X16} names no e-mail address in its user ids; give one with --address.");
            }

            var armoredRing = PgpKeys.Armor(ring);
            foreach (var candidate in addresses)
            {
                if (!RecipientAddress.TryNormalize(candidate, out var normalized))
                {
                    throw new RecipientImportException("address", "The address is not a valid e-mail address.");
                }

                entries.Add(new PgpKeyEntry(normalized, master.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture), armoredRing, PgpKeys.ExpiresAt(encryptionKey, master)));
            }
        }

        return entries.Count > 0 ? entries : throw new RecipientImportException("key", "The key block holds no public key.");
    }

    private static PgpPublicKeyRingBundle ParseBundle(string armored)
    {
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armored)));
            return new PgpPublicKeyRingBundle(input);
        }
        catch (Exception exception) when (exception is IOException or PgpException or ArgumentException or InvalidOperationException or InvalidCastException)
        {
            throw new RecipientImportException("key", "The OpenPGP key block is malformed (armor or packets do not parse).", exception);
        }
    }

    private static IEnumerable<string> UserIdAddresses(PgpPublicKey master)
    {
        foreach (var userId in master.GetUserIds())
        {
            var open = userId.LastIndexOf('<');
            var close = userId.LastIndexOf('>');
            yield return open >= 0 && close > open ? userId[(open + 1)..close] : userId;
        }
    }
}

/// <summary>A stored OpenPGP key ring.</summary>
/// <param name="Address">The normalised address.</param>
/// <param name="KeyId">The master key id, 16 hex digits.</param>
/// <param name="Armored">The armored public key ring.</param>
/// <param name="ExpiresAt">When the encryption key expires, if ever.</param>
public sealed record PgpKeyEntry(string Address, string KeyId, string Armored, DateTimeOffset? ExpiresAt);
