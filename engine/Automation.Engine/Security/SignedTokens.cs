using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Automation.Engine.Security;

/// <summary>
/// Signed, expiring tokens for the public endpoints (tracking pixel, click redirect, unsubscribe, portal pickup).
/// A token is <c>base64url(payload) . base64url(expiry) . base64url(HMAC-SHA256(key, purpose | payload | expiry))</c>:
/// the purpose is bound into the signature, so a click token cannot be replayed as an unsubscribe token. Payloads are
/// signed, not encrypted: put only opaque ids in them (a message id), never PHI.
/// </summary>
public sealed class SignedTokens
{
    private readonly byte[] key;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates the token service.</summary>
    /// <param name="key">At least 32 bytes of secret key material, from configuration.</param>
    /// <param name="timeProvider">The clock that decides expiry.</param>
    /// <exception cref="ArgumentException">The key is shorter than 32 bytes.</exception>
    public SignedTokens(byte[] key, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("The token signing key must be at least 32 bytes.", nameof(key));
        }

        this.key = key.ToArray();
        this.timeProvider = timeProvider;
    }

    /// <summary>Makes a token.</summary>
    /// <param name="purpose">What the token is for (<c>open</c>, <c>click</c>, <c>unsubscribe</c>, <c>portal</c>).</param>
    /// <param name="payload">Opaque ids only.</param>
    /// <param name="lifetime">How long it stays valid.</param>
    /// <returns>The URL-safe token.</returns>
    public string Create(string purpose, string payload, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(payload);
        var expires = (timeProvider.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        var payloadPart = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        var expiryPart = Base64Url.EncodeToString(BitConverter.GetBytes(expires));
        return payloadPart + "." + expiryPart + "." + Base64Url.EncodeToString(Sign(purpose, payloadPart, expiryPart));
    }

    /// <summary>Checks a token and returns its payload.</summary>
    /// <param name="purpose">The purpose it must have been made for.</param>
    /// <param name="token">The token from the URL.</param>
    /// <param name="payload">The payload when valid.</param>
    /// <returns>The verdict: valid, malformed, bad signature or expired.</returns>
    public TokenVerdict Validate(string purpose, string? token, out string payload)
    {
        payload = "";
        var parts = token?.Split('.');
        if (parts is not { Length: 3 })
        {
            return TokenVerdict.Malformed;
        }

        byte[] signature, expiryBytes, payloadBytes;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            expiryBytes = Base64Url.DecodeFromChars(parts[1]);
            payloadBytes = Base64Url.DecodeFromChars(parts[0]);
        }
        catch (FormatException)
        {
            return TokenVerdict.Malformed;
        }

        if (expiryBytes.Length != 8 || !CryptographicOperations.FixedTimeEquals(signature, Sign(purpose, parts[0], parts[1])))
        {
            return TokenVerdict.BadSignature;
        }

        if (DateTimeOffset.FromUnixTimeSeconds(BitConverter.ToInt64(expiryBytes)) < timeProvider.GetUtcNow())
        {
            return TokenVerdict.Expired;
        }

        payload = Encoding.UTF8.GetString(payloadBytes);
        return TokenVerdict.Valid;
    }

    private byte[] Sign(string purpose, string payloadPart, string expiryPart) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + "|" + payloadPart + "|" + expiryPart));
}

/// <summary>The result of checking a signed token.</summary>
public enum TokenVerdict
{
    /// <summary>Signed by us, for this purpose, not expired.</summary>
    Valid,

    /// <summary>Not a token at all.</summary>
    Malformed,

    /// <summary>Altered, or made for another purpose or with another key.</summary>
    BadSignature,

    /// <summary>Genuine but past its expiry.</summary>
    Expired,
}
