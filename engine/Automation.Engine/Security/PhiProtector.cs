using System.Security.Cryptography;
using System.Text;

namespace Automation.Engine.Security;

/// <summary>
/// Encrypts PHI at rest (portal messages, queued email, cached FHIR data) with AES-256-GCM under a key ring. New data
/// uses the active key; old data names its key in its header, so the active key can be rotated without rewriting
/// everything at once (<see cref="NeedsRewrap"/> tells which blobs to re-encrypt).
/// Blob layout: <c>0x01 | keyIdLength | keyId (UTF-8) | nonce (12) | tag (16) | ciphertext</c>.
/// </summary>
public sealed class PhiProtector
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> keys;
    private readonly byte[] activeKeyIdBytes;

    // Each new AesGcm sets up an OpenSSL cipher context and expands the key; a thread keeps the last one it used, for the
    // same key array (each protector holds its own copies), since it serves one call at a time.
    [ThreadStatic]
    private static (byte[] Key, AesGcm Cipher)? lastCipher;

    /// <summary>Creates a protector.</summary>
    /// <param name="keys">Every key that may still be needed to decrypt, by id; each exactly 32 bytes.</param>
    /// <param name="activeKeyId">The key new data is encrypted under.</param>
    /// <exception cref="ArgumentException">A key is not 32 bytes, an id is empty or longer than 64 bytes, or the active key is missing.</exception>
    public PhiProtector(IReadOnlyDictionary<string, byte[]> keys, string activeKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        this.keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            if (string.IsNullOrEmpty(id) || Encoding.UTF8.GetByteCount(id) > 64)
            {
                throw new ArgumentException($"PHI key id '{id}' must be 1-64 bytes long.", nameof(keys));
            }

            if (key is null || key.Length != 32)
            {
                throw new ArgumentException($"PHI key '{id}' must be exactly 32 bytes (AES-256).", nameof(keys));
            }

            this.keys[id] = key.ToArray();
        }

        if (!this.keys.ContainsKey(activeKeyId))
        {
            throw new ArgumentException($"The active PHI key '{activeKeyId}' is not in the key ring.", nameof(activeKeyId));
        }

        ActiveKeyId = activeKeyId;
        activeKeyIdBytes = Encoding.UTF8.GetBytes(activeKeyId);
    }

    /// <summary>The id of the key new data is encrypted under.</summary>
    public string ActiveKeyId { get; }

    /// <summary>Makes a protector with one freshly generated key (tests, the embedded demo's first start).</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns>The protector.</returns>
    public static PhiProtector CreateEphemeral(string keyId = "ephemeral") =>
        new(new Dictionary<string, byte[]> { [keyId] = RandomNumberGenerator.GetBytes(32) }, keyId);

    /// <summary>Encrypts under the active key.</summary>
    /// <param name="plaintext">The data.</param>
    /// <param name="associatedData">Context bound to the ciphertext (such as the record id), which must be given again to decrypt.</param>
    /// <returns>The blob.</returns>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        var header = 2 + activeKeyIdBytes.Length;
        var blob = new byte[header + NonceSize + TagSize + plaintext.Length];
        blob[0] = FormatVersion;
        blob[1] = (byte)activeKeyIdBytes.Length;
        activeKeyIdBytes.CopyTo(blob, 2);
        var nonce = blob.AsSpan(header, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        CipherFor(keys[ActiveKeyId]).Encrypt(nonce, plaintext, blob.AsSpan(header + NonceSize + TagSize), blob.AsSpan(header + NonceSize, TagSize), associatedData);
        return blob;
    }

    /// <summary>Encrypts a string (UTF-8).</summary>
    /// <param name="plaintext">The text.</param>
    /// <param name="associatedData">See <see cref="Protect(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>.</param>
    /// <returns>The blob.</returns>
    public byte[] ProtectString(string plaintext, string? associatedData = null) =>
        Protect(Encoding.UTF8.GetBytes(plaintext), associatedData is null ? default : Encoding.UTF8.GetBytes(associatedData));

    /// <summary>Decrypts a blob made by any key in the ring.</summary>
    /// <param name="blob">The blob.</param>
    /// <param name="associatedData">The context given at encryption.</param>
    /// <returns>The data.</returns>
    /// <exception cref="CryptographicException">The blob is malformed, its key is not in the ring, or it was altered.</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> associatedData = default)
    {
        var (key, header) = ReadHeader(blob);
        var ciphertext = blob[(header + NonceSize + TagSize)..];
        var plaintext = new byte[ciphertext.Length];
        CipherFor(key).Decrypt(blob.Slice(header, NonceSize), ciphertext, blob.Slice(header + NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }

    /// <summary>Decrypts a string.</summary>
    /// <param name="blob">The blob.</param>
    /// <param name="associatedData">The context given at encryption.</param>
    /// <returns>The text.</returns>
    public string UnprotectString(ReadOnlySpan<byte> blob, string? associatedData = null) =>
        Encoding.UTF8.GetString(Unprotect(blob, associatedData is null ? default : Encoding.UTF8.GetBytes(associatedData)));

    /// <summary>Whether a blob was encrypted under a key other than the active one (re-encrypt it after a rotation).</summary>
    /// <param name="blob">The blob.</param>
    /// <returns><c>true</c> when it should be re-encrypted.</returns>
    public bool NeedsRewrap(ReadOnlySpan<byte> blob) => KeyIdOf(blob) != ActiveKeyId;

    /// <summary>The id of the key a blob was encrypted under.</summary>
    /// <param name="blob">The blob.</param>
    /// <returns>The key id.</returns>
    /// <exception cref="CryptographicException">The blob is malformed.</exception>
    public static string KeyIdOf(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 2 || blob[0] != FormatVersion || blob.Length < 2 + blob[1] + NonceSize + TagSize)
        {
            throw new CryptographicException("The protected data is malformed.");
        }

        return Encoding.UTF8.GetString(blob.Slice(2, blob[1]));
    }

    private static AesGcm CipherFor(byte[] key)
    {
        if (lastCipher is { } last && ReferenceEquals(last.Key, key))
        {
            return last.Cipher;
        }

        lastCipher?.Cipher.Dispose();
        var cipher = new AesGcm(key, TagSize);
        lastCipher = (key, cipher);
        return cipher;
    }

    private (byte[] Key, int Header) ReadHeader(ReadOnlySpan<byte> blob)
    {
        var keyId = KeyIdOf(blob);
        if (!keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"The PHI key '{keyId}' is not in the key ring.");
        }

        return (key, 2 + blob[1]);
    }
}
