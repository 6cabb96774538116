using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>OpenPGP key helpers shared by import and use.</summary>
internal static class PgpKeys
{
    public static PgpPublicKey? FindEncryptionKey(PgpPublicKeyRing ring, DateTimeOffset now, out string problem)
    {
        var master = ring.GetPublicKey();
        if (master.HasRevocation())
        {
            problem = "the key is revoked";
            return null;
        }

        if (Expired(master, master, now))
        {
            problem = "the key expired";
            return null;
        }

        problem = "no encryption-capable key (add an encryption subkey)";
        PgpPublicKey? best = null;
        foreach (var key in ring.GetPublicKeys())
        {
            if (!key.IsEncryptionKey || key.HasRevocation() || !AllowsEncryption(key, master))
            {
                continue;
            }

            if (Expired(key, master, now))
            {
                problem = "the encryption subkey expired";
                continue;
            }

            best = key; // later subkeys are newer: prefer them
        }

        return best;
    }

    public static DateTimeOffset? ExpiresAt(PgpPublicKey key, PgpPublicKey master)
    {
        var seconds = key.GetValidSeconds();
        if (seconds <= 0 && !ReferenceEquals(key, master))
        {
            seconds = master.GetValidSeconds();
        }

        return seconds > 0 ? new DateTimeOffset(key.CreationTime, TimeSpan.Zero).AddSeconds(seconds) : null;
    }

    public static string Armor(PgpPublicKeyRing ring)
    {
        using var buffer = new MemoryStream();
        using (var armor = new ArmoredOutputStream(buffer))
        {
            ring.Encode(armor);
        }

        return System.Text.Encoding.ASCII.GetString(buffer.ToArray());
    }

    public static PgpPublicKeyRing ParseRing(string armored)
    {
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armored)));
        return new PgpPublicKeyRing(input);
    }

    private static bool Expired(PgpPublicKey key, PgpPublicKey master, DateTimeOffset now) =>
        ExpiresAt(key, master) is { } expires && expires <= now;

    private static bool AllowsEncryption(PgpPublicKey key, PgpPublicKey master)
    {
        // Key flags live on the subkey binding (or on the master's self-signature); without flags, the algorithm decides.
        var signatures = ReferenceEquals(key, master) ? master.GetSignatures() : key.GetSignaturesOfType(PgpSignature.SubkeyBinding);
        foreach (PgpSignature signature in signatures)
        {
            if (signature.GetHashedSubPackets() is { } packets && packets.HasSubpacket(SignatureSubpacketTag.KeyFlags))
            {
                return (packets.GetKeyFlags() & (PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage)) != 0;
            }
        }

        return true;
    }
}
