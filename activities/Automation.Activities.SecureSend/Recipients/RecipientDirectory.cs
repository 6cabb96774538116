using System.Collections.Concurrent;
using Automation.Activities.SecureSend.Policies;
using Automation.Engine.Persistence;
using Automation.Activities.SecureSend.Mime;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>
/// The recipient directory as the send path uses it: imports are checked and stored, and lookups return the recipient's
/// capabilities with ready-to-use encryption objects (an <see cref="SmimeRecipient"/> certificate, a parsed
/// <see cref="PgpPublicKey"/>). Lookups are cached for <see cref="CacheLifetime"/> so BouncyCastle parses and validates an
/// OpenPGP key once, not per message; imports through this instance invalidate the entry at once. Lookups that miss the cache
/// at the same time (the sends of a batch) share one read of the tables.
/// </summary>
public sealed class RecipientDirectory
{
    private readonly RecipientStore store;
    private readonly SmimeCertificateImporter certificateImporter;
    private readonly PgpKeyImporter pgpImporter;
    private readonly TimeProvider timeProvider;
    private readonly ConcurrentDictionary<string, (ResolvedRecipient Recipient, DateTimeOffset LoadedAt)> cache = new(StringComparer.Ordinal);
    private readonly RequestCoalescer<string, RecipientRecord> reads;

    /// <summary>Creates the directory.</summary>
    /// <param name="store">The tables.</param>
    /// <param name="certificateImporter">Checks certificates.</param>
    /// <param name="timeProvider">The clock (validity, cache).</param>
    public RecipientDirectory(RecipientStore store, SmimeCertificateImporter certificateImporter, TimeProvider timeProvider)
    {
        this.store = store;
        this.certificateImporter = certificateImporter;
        this.timeProvider = timeProvider;
        pgpImporter = new PgpKeyImporter(timeProvider);
        reads = new RequestCoalescer<string, RecipientRecord>(store.GetManyAsync);
    }

    /// <summary>How long a lookup is reused before the tables are read again (changes made by another process show
    /// up after this). Default one minute.</summary>
    public TimeSpan CacheLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Addresses kept at most (a campaign reaches each address once or twice, days apart, so the cache only
    /// serves bursts; unbounded, it held every recipient's parsed certificate). Default 10,000.</summary>
    public int MaxCachedAddresses { get; init; } = 10_000;

    /// <summary>The underlying tables.</summary>
    public RecipientStore Store => store;

    /// <summary>Imports an S/MIME certificate (PEM or DER).</summary>
    /// <param name="data">The certificate bytes.</param>
    /// <param name="address">The address; <c>null</c> to use the certificate's.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored entry.</returns>
    /// <exception cref="RecipientImportException">The certificate is not acceptable; nothing is stored.</exception>
    public async Task<SmimeCertificateEntry> ImportCertificateAsync(byte[] data, string? address, CancellationToken cancellationToken = default)
    {
        var entry = certificateImporter.Import(data, address);
        await store.UpsertCertificateAsync(entry, cancellationToken).ConfigureAwait(false);
        cache.TryRemove(entry.Address, out _);
        return entry;
    }

    /// <summary>Imports armored OpenPGP public keys.</summary>
    /// <param name="armored">The key block.</param>
    /// <param name="address">The address; <c>null</c> to use the key's user ids.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored entries.</returns>
    /// <exception cref="RecipientImportException">The key is not acceptable; nothing is stored.</exception>
    public async Task<IReadOnlyList<PgpKeyEntry>> ImportPgpKeyAsync(string armored, string? address, CancellationToken cancellationToken = default)
    {
        var entries = pgpImporter.Import(armored, address);
        foreach (var entry in entries)
        {
            await store.UpsertPgpKeyAsync(entry, cancellationToken).ConfigureAwait(false);
            cache.TryRemove(entry.Address, out _);
        }

        return entries;
    }

    /// <summary>Enrols an address in the pickup portal.</summary>
    /// <param name="address">The address.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The normalised address.</returns>
    /// <exception cref="RecipientImportException">The address does not parse.</exception>
    public async Task<string> EnrollPortalAsync(string address, CancellationToken cancellationToken = default)
    {
        var normalized = Normalize(address);
        await store.SetPortalEnrolmentAsync(normalized, true, cancellationToken).ConfigureAwait(false);
        cache.TryRemove(normalized, out _);
        return normalized;
    }

    /// <summary>Sets whether a domain requires TLS 1.2+.</summary>
    /// <param name="domain">The domain.</param>
    /// <param name="requireTls">Require TLS.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The normalised domain.</returns>
    /// <exception cref="RecipientImportException">The domain is not a host name.</exception>
    public async Task<string> SetDomainTlsAsync(string domain, bool requireTls, CancellationToken cancellationToken = default)
    {
        var normalized = domain?.Trim().TrimEnd('.').ToLowerInvariant() ?? "";
        if (Uri.CheckHostName(normalized) != UriHostNameType.Dns || !normalized.Contains('.', StringComparison.Ordinal))
        {
            throw new RecipientImportException("domain", "The domain is not a valid host name.");
        }

        await store.SetDomainTlsAsync(normalized, requireTls, cancellationToken).ConfigureAwait(false);
        foreach (var key in cache.Keys.Where(k => k.EndsWith("@" + normalized, StringComparison.Ordinal)))
        {
            cache.TryRemove(key, out _);
        }

        return normalized;
    }

    /// <summary>Revokes a certificate by thumbprint.</summary>
    /// <param name="thumbprint">The SHA-1 thumbprint.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether it was found.</returns>
    public async Task<bool> RevokeCertificateAsync(string thumbprint, CancellationToken cancellationToken = default)
    {
        var found = await store.RevokeCertificateAsync(thumbprint, cancellationToken).ConfigureAwait(false);
        cache.Clear();
        return found;
    }

    /// <summary>Looks a recipient up, with usable encryption objects and the capabilities the policy reads.</summary>
    /// <param name="address">The normalised address.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The recipient.</returns>
    public async Task<ResolvedRecipient> ResolveAsync(string address, CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        if (cache.TryGetValue(address, out var cached) && now - cached.LoadedAt < CacheLifetime && cached.Recipient.ValidAt(now))
        {
            return cached.Recipient;
        }

        var record = await reads.ExecuteAsync(address, cancellationToken).ConfigureAwait(false);
        var resolved = Resolve(record, now);
        if (cache.Count >= MaxCachedAddresses)
        {
            Trim(now);
        }

        cache[address] = (resolved, now);
        return resolved;
    }

    // Drops expired lookups; when all are fresh (a burst to many addresses), starts over.
    private void Trim(DateTimeOffset now)
    {
        foreach (var (address, entry) in cache)
        {
            if (now - entry.LoadedAt >= CacheLifetime)
            {
                cache.TryRemove(address, out _);
            }
        }

        if (cache.Count >= MaxCachedAddresses)
        {
            cache.Clear();
        }
    }

    private static string Normalize(string address) =>
        RecipientAddress.TryNormalize(address, out var normalized)
            ? normalized
            : throw new RecipientImportException("address", "The address is not a valid e-mail address.");

    private static ResolvedRecipient Resolve(RecipientRecord record, DateTimeOffset now)
    {
        var notes = new List<string>();
        SmimeRecipient? smime = null;
        DateTimeOffset? smimeUntil = null;
        var usable = record.Certificates.Where(c => !c.Revoked && c.NotBefore <= now && c.NotAfter > now).OrderByDescending(c => c.NotAfter).FirstOrDefault();
        if (usable is not null)
        {
            smime = new SmimeRecipient(usable.Der);
            smimeUntil = usable.NotAfter;
        }
        else if (record.Certificates.Count > 0)
        {
            notes.Add(record.Certificates.All(c => c.Revoked) ? "certificate revoked" : "certificate expired or not yet valid");
        }

        PgpPublicKey? pgp = null;
        DateTimeOffset? pgpUntil = null;
        foreach (var key in record.PgpKeys)
        {
            var found = PgpKeys.FindEncryptionKey(PgpKeys.ParseRing(key.Armored), now, out var problem);
            if (found is not null)
            {
                pgp = found;
                pgpUntil = key.ExpiresAt;
                break;
            }

            notes.Add("pgp key: " + problem.Replace("the ", "", StringComparison.Ordinal));
        }

        var capabilities = new RecipientCapabilities(smime is not null, pgp is not null, record.PortalEnrolled, record.DomainRequiresTls, notes);
        return new ResolvedRecipient(record.Address, capabilities, smime, pgp, Min(smimeUntil, pgpUntil));
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);
}

/// <summary>A recipient ready for the send path.</summary>
/// <param name="Address">The normalised address.</param>
/// <param name="Capabilities">What the policy reads.</param>
/// <param name="Smime">The S/MIME recipient certificate, when a usable one is on file.</param>
/// <param name="PgpKey">The OpenPGP encryption key, when a usable key is on file.</param>
/// <param name="ValidUntil">When the first of these expires (the cache entry must not outlive it).</param>
public sealed record ResolvedRecipient(string Address, RecipientCapabilities Capabilities, SmimeRecipient? Smime, PgpPublicKey? PgpKey, DateTimeOffset? ValidUntil)
{
    /// <summary>Whether the cached entry is still valid at an instant.</summary>
    /// <param name="now">The instant.</param>
    /// <returns><c>true</c> when nothing in it expired.</returns>
    public bool ValidAt(DateTimeOffset now) => ValidUntil is null || ValidUntil > now;
}
