using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// The imported RSA keys of recently used recipient certificates, keyed by the certificate's whole DER (not by issuer and
/// serial number, which two certificates can share), oldest out first once <c>capacity</c> is reached.
/// </summary>
internal sealed class SmimeKeyCache(int capacity)
{
    private readonly ConcurrentDictionary<byte[], SmimeKey> keys = new(DerContent.Comparer);
    private readonly ConcurrentQueue<byte[]> order = new();

    /// <summary>How many certificates' keys are held.</summary>
    public int Count => keys.Count;

    /// <summary>The key of a certificate, imported on first use.</summary>
    /// <param name="der">The certificate, DER-encoded.</param>
    /// <returns>The key, with the issuer and serial number that identify the recipient.</returns>
    /// <exception cref="InvalidOperationException">The certificate does not hold an RSA key.</exception>
    /// <exception cref="CryptographicException">The certificate does not parse.</exception>
    public SmimeKey Get(byte[] der)
    {
        if (keys.TryGetValue(der, out var cached))
        {
            return cached;
        }

        SmimeKey imported;
        using (var certificate = X509CertificateLoader.LoadCertificate(der))
        {
            var rsa = certificate.GetRSAPublicKey() ?? throw new InvalidOperationException("The recipient certificate does not hold an RSA key.");
            imported = new SmimeKey(rsa, certificate.IssuerName.RawData, certificate.SerialNumberBytes.ToArray());
        }

        if (keys.TryAdd(der, imported))
        {
            order.Enqueue(der);
            // An evicted key is left to the GC rather than disposed: a send on another thread may still be using it.
            while (keys.Count > capacity && order.TryDequeue(out var oldest))
            {
                keys.TryRemove(oldest, out _);
            }
        }

        return imported;
    }

    /// <summary>Whether a certificate's key is held.</summary>
    /// <param name="der">The certificate, DER-encoded.</param>
    /// <returns><c>true</c> when it is.</returns>
    public bool Holds(byte[] der) => keys.ContainsKey(der);

    private sealed class DerContent : IEqualityComparer<byte[]>
    {
        public static readonly DerContent Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}

/// <summary>A recipient's imported RSA key, and the issuer and serial number that name its certificate.</summary>
internal sealed record SmimeKey(RSA Rsa, byte[] Issuer, byte[] Serial);
