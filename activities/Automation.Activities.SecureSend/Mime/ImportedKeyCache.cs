using System.Collections.Concurrent;

namespace Automation.Activities.SecureSend.Mime;

/// <summary>
/// Recipients' public keys imported into the platform's cryptography, kept for reuse: on this machine's OpenSSL 3,
/// building an RSA key object costs 110-240 us, five to ten times the encryption it is used for. Keyed by the bytes that
/// define the key (a certificate's whole DER, not its issuer and serial number, which two certificates can share; an
/// OpenPGP key's modulus and exponent), so a lookup can never return another recipient's key. Oldest out first once
/// <c>capacity</c> is reached.
/// </summary>
/// <typeparam name="TKey">The imported key.</typeparam>
internal sealed class ImportedKeyCache<TKey>(int capacity)
    where TKey : class
{
    private readonly ConcurrentDictionary<byte[], TKey> keys = new(ByteContent.Comparer);
    private readonly ConcurrentQueue<byte[]> order = new();

    /// <summary>How many keys are held.</summary>
    public int Count => keys.Count;

    /// <summary>The key defined by <paramref name="identity"/>, imported on first use.</summary>
    /// <param name="identity">The bytes that define the key.</param>
    /// <param name="import">Imports the key from those bytes (its exceptions reach the caller).</param>
    /// <returns>The key.</returns>
    public TKey Get(byte[] identity, Func<byte[], TKey> import)
    {
        if (keys.TryGetValue(identity, out var cached))
        {
            return cached;
        }

        var imported = import(identity);
        if (keys.TryAdd(identity, imported))
        {
            order.Enqueue(identity);
            // An evicted key is left to the GC rather than disposed: a send on another thread may still be using it.
            while (keys.Count > capacity && order.TryDequeue(out var oldest))
            {
                keys.TryRemove(oldest, out _);
            }
        }

        return imported;
    }

    /// <summary>Whether the key defined by <paramref name="identity"/> is held.</summary>
    /// <param name="identity">The bytes that define the key.</param>
    /// <returns><c>true</c> when it is.</returns>
    public bool Holds(byte[] identity) => keys.ContainsKey(identity);

    private sealed class ByteContent : IEqualityComparer<byte[]>
    {
        public static readonly ByteContent Comparer = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
