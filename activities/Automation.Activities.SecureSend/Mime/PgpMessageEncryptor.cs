using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// Writes an OpenPGP message (RFC 4880: public-key encrypted session key + symmetrically encrypted integrity-protected
/// data with AES-256 and an MDC) for RSA recipients with .NET's RSA and AES. Why not BouncyCastle's generator: it turns
/// the key into RSA parameters on every message and BouncyCastle re-validates the modulus each time (about 20 ms), which
/// caps OpenPGP at a few dozen messages per second. Other key types go through BouncyCastle.
/// </summary>
internal static class PgpMessageEncryptor
{
    private const byte Aes256 = 9;

    // Keys the directory parses again once its lookup cache has expired (a campaign's follow-up) are imported once: by
    // modulus and exponent, since building the RSA object costs ~110 us here.
    private static readonly ImportedKeyCache<RSA> RsaKeys = new(8192);

    public static byte[] Encrypt(byte[] clear, PgpPublicKey key, DateTimeOffset now, SecureRandom random)
    {
        if (key.PublicKeyPacket.Key is not RsaPublicBcpgKey rsaKey)
        {
            return EncryptWithBouncyCastle(clear, key, now, random);
        }

        var sessionKey = RandomNumberGenerator.GetBytes(32);
        using var buffer = new MemoryStream(clear.Length + 1024);
        var modulus = rsaKey.Modulus.ToByteArrayUnsigned();
        var exponent = rsaKey.PublicExponent.ToByteArrayUnsigned();
        var rsa = RsaKeys.Get([.. BitConverter.GetBytes(modulus.Length), .. modulus, .. exponent], _ => RSA.Create(new RSAParameters { Modulus = modulus, Exponent = exponent }));
        WritePacket(buffer, 1, PublicKeyEncryptedSessionKey(key.KeyId, rsa, sessionKey));
        WritePacket(buffer, 18, IntegrityProtectedData(LiteralData(clear, now), sessionKey));
        CryptographicOperations.ZeroMemory(sessionKey);
        return Armor(buffer.ToArray());
    }

    private static byte[] PublicKeyEncryptedSessionKey(long keyId, RSA rsa, byte[] sessionKey)
    {
        // m = algorithm || session key || 16-bit checksum, PKCS#1 v1.5 encrypted to the recipient.
        var m = new byte[1 + sessionKey.Length + 2];
        m[0] = Aes256;
        sessionKey.CopyTo(m, 1);
        var checksum = 0;
        foreach (var b in sessionKey)
        {
            checksum += b;
        }

        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(1 + sessionKey.Length), (ushort)checksum);
        var encrypted = rsa.Encrypt(m, RSAEncryptionPadding.Pkcs1);
        CryptographicOperations.ZeroMemory(m);

        using var body = new MemoryStream();
        body.WriteByte(3); // version
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(id, keyId);
        body.Write(id);
        body.WriteByte((byte)PublicKeyAlgorithmTag.RsaGeneral);
        WriteMpi(body, encrypted);
        return body.ToArray();
    }

    private static byte[] LiteralData(byte[] clear, DateTimeOffset now)
    {
        using var packet = new MemoryStream(clear.Length + 16);
        var body = new byte[6 + clear.Length];
        body[0] = (byte)'b';
        body[1] = 0; // no file name
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(2), (uint)now.ToUnixTimeSeconds());
        clear.CopyTo(body, 6);
        WritePacket(packet, 11, body);
        return packet.ToArray();
    }

    private static byte[] IntegrityProtectedData(byte[] inner, byte[] sessionKey)
    {
        // Plaintext: random prefix (block size) + its last two bytes again, the packets, then the MDC packet whose SHA-1
        // covers everything before it including its own two header bytes.
        var plain = new byte[16 + 2 + inner.Length + 22];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        plain[16] = plain[14];
        plain[17] = plain[15];
        inner.CopyTo(plain, 18);
        var mdc = 18 + inner.Length;
        plain[mdc] = 0xD3;
        plain[mdc + 1] = 0x14;
        SHA1.HashData(plain.AsSpan(0, mdc + 2), plain.AsSpan(mdc + 2, 20));

        // OpenPGP CFB with a zero IV (no resynchronisation for integrity-protected data); CFB is a stream mode, so the
        // padding added to reach whole blocks is cut off again.
        var padded = new byte[(plain.Length + 15) / 16 * 16];
        plain.CopyTo(padded, 0);
        using var aes = Aes.Create();
        aes.Key = sessionKey;
        var cipher = aes.EncryptCfb(padded, new byte[16], PaddingMode.None, 128);
        var body = new byte[1 + plain.Length];
        body[0] = 1; // version
        cipher.AsSpan(0, plain.Length).CopyTo(body.AsSpan(1));
        CryptographicOperations.ZeroMemory(plain);
        CryptographicOperations.ZeroMemory(padded);
        return body;
    }

    private static void WritePacket(Stream output, int tag, byte[] body)
    {
        output.WriteByte((byte)(0xC0 | tag)); // new-format header
        output.WriteByte(0xFF); // five-octet length
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)body.Length);
        output.Write(length);
        output.Write(body);
    }

    private static void WriteMpi(Stream output, byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        var bits = (value.Length - start - 1) * 8 + (8 - System.Numerics.BitOperations.LeadingZeroCount((uint)value[start]) + 24);
        output.WriteByte((byte)(bits >> 8));
        output.WriteByte((byte)bits);
        output.Write(value, start, value.Length - start);
    }

    private static byte[] Armor(byte[] binary)
    {
        using var armored = new MemoryStream(binary.Length * 4 / 3 + 256);
        using (var armor = new ArmoredOutputStream(armored))
        {
            armor.Write(binary);
        }

        return armored.ToArray();
    }

    private static byte[] EncryptWithBouncyCastle(byte[] clear, PgpPublicKey key, DateTimeOffset now, SecureRandom random)
    {
        using var armored = new MemoryStream();
        using (var armor = new ArmoredOutputStream(armored))
        {
            var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true, random);
            generator.AddMethod(key);
            using var encrypted = generator.Open(armor, new byte[1 << 14]);
            var literal = new PgpLiteralDataGenerator();
            using var literalStream = literal.Open(encrypted, PgpLiteralData.Binary, "", clear.Length, now.UtcDateTime);
            literalStream.Write(clear);
        }

        return armored.ToArray();
    }
}
