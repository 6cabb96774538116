using System.Security.Cryptography;
using System.Text;

namespace Automation.Engine.Audit;

/// <summary>
/// Turns a patient id into the opaque value audit records, logs and metrics carry. Keyed (HMAC-SHA256) because
/// patient ids are short and guessable: a plain hash could be reversed by trying them all.
/// </summary>
public sealed class PatientIdHasher
{
    private readonly byte[] key;

    /// <summary>Creates the hasher.</summary>
    /// <param name="key">At least 32 bytes of secret key material, from configuration.</param>
    /// <exception cref="ArgumentException">The key is shorter than 32 bytes.</exception>
    public PatientIdHasher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("The patient id hash key must be at least 32 bytes.", nameof(key));
        }

        this.key = key.ToArray();
    }

    /// <summary>Hashes a patient id (a <c>Patient/</c> prefix is ignored, so both forms hash alike).</summary>
    /// <param name="patientId">The id or reference.</param>
    /// <returns>The first 32 hex characters of HMAC-SHA256(key, id).</returns>
    public string Hash(string patientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        var id = patientId.StartsWith("Patient/", StringComparison.Ordinal) ? patientId["Patient/".Length..] : patientId;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(id), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }
}
