using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>
/// Checks an S/MIME certificate before it enters the directory: PEM or DER, within its validity dates, key usage
/// allowing key encipherment (when the extension is present), an RSA key, and, when trust anchors are configured, a
/// chain to one of them.
/// </summary>
public sealed class SmimeCertificateImporter
{
    private readonly IReadOnlyList<X509Certificate2> trustAnchors;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates the importer.</summary>
    /// <param name="trustAnchors">Root certificates a recipient certificate must chain to; none means any issuer.</param>
    /// <param name="timeProvider">The clock for validity checks.</param>
    public SmimeCertificateImporter(IReadOnlyList<X509Certificate2> trustAnchors, TimeProvider timeProvider)
    {
        this.trustAnchors = trustAnchors;
        this.timeProvider = timeProvider;
    }

    /// <summary>Parses and checks a certificate.</summary>
    /// <param name="data">PEM or DER bytes.</param>
    /// <param name="address">The address to file it under; when <c>null</c>, the certificate's e-mail address.</param>
    /// <returns>The entry to store.</returns>
    /// <exception cref="RecipientImportException">The certificate is malformed, expired, not yet valid, not for
    /// encryption, untrusted, or carries no address and none was given.</exception>
    public SmimeCertificateEntry Import(byte[] data, string? address)
    {
        ArgumentNullException.ThrowIfNull(data);
        var certificate = Parse(data);
        var now = timeProvider.GetUtcNow();
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
        {
            throw new RecipientImportException("certificate", $"The certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}.");
        }

        if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            throw new RecipientImportException("certificate", $"The certificate is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd}.");
        }

        if (certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && (usage.KeyUsages & X509KeyUsageFlags.KeyEncipherment) == 0)
        {
            throw new RecipientImportException("certificate", "The certificate's key usage does not allow key encipherment, so it cannot receive encrypted mail.");
        }

        if (certificate.GetRSAPublicKey() is null)
        {
            throw new RecipientImportException("certificate", "The certificate does not hold an RSA key (only RSA recipients are supported).");
        }

        CheckChain(certificate);
        var email = address ?? certificate.GetNameInfo(X509NameType.EmailName, forIssuer: false);
        if (!RecipientAddress.TryNormalize(email, out var normalized))
        {
            throw new RecipientImportException("address", address is null
                ? "The certificate carries no e-mail address; give one with --address."
                : "The address is not a valid e-mail address.");
        }

        return new SmimeCertificateEntry(normalized, certificate.Thumbprint.ToLowerInvariant(), certificate.RawData,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), false);
    }

    private static X509Certificate2 Parse(byte[] data)
    {
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(data);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                return X509Certificate2.CreateFromPem(text);
            }

            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                throw new RecipientImportException("certificate", "The PEM file holds no CERTIFICATE block (a key or request was given?).");
            }

            return X509CertificateLoader.LoadCertificate(data);
        }
        catch (CryptographicException exception)
        {
            throw new RecipientImportException("certificate", "The certificate is malformed: it is neither a PEM CERTIFICATE nor DER X.509 data.", exception);
        }
    }

    private void CheckChain(X509Certificate2 certificate)
    {
        if (trustAnchors.Count == 0)
        {
            return;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = timeProvider.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustAnchors.ToArray());
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            throw new RecipientImportException("certificate", $"The certificate does not chain to a configured trust anchor ({status}).");
        }
    }
}

/// <summary>A stored S/MIME certificate.</summary>
/// <param name="Address">The normalised address.</param>
/// <param name="Thumbprint">SHA-1 thumbprint, lower-case hex.</param>
/// <param name="Der">The DER bytes.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Revoked">Whether it was revoked in the directory.</param>
public sealed record SmimeCertificateEntry(string Address, string Thumbprint, byte[] Der, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool Revoked);
