using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Automation.Activities.SecureSend.Policies;
using Automation.Activities.SecureSend.Recipients;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace Automation.Cli.Campaign;

/// <summary>
/// Forces the delivery method: a benchmark policy that allows only that method, and every patient address given the
/// capability (one generated certificate or key reused for all addresses), inserted in batches of one transaction.
/// </summary>
internal static class BenchmarkRecipients
{
    private const int BatchSize = 2000;

    /// <summary>Writes <c>default.json</c> (phi and non-phi -> the method) into <paramref name="policyDirectory"/>.</summary>
    public static void WritePolicy(string policyDirectory, string method)
    {
        Directory.CreateDirectory(policyDirectory);
        var json = JsonSerializer.Serialize(new
        {
            name = "default",
            description = "Benchmark: every message by " + method + ".",
            tlsExclusive = false,
            rules = new[]
            {
                new { sensitivity = PolicySensitivity.Phi, methods = new[] { method } },
                new { sensitivity = PolicySensitivity.NonPhi, methods = new[] { method } },
            },
        });
        File.WriteAllText(Path.Combine(policyDirectory, "default.json"), json);
    }

    /// <summary>Gives every patient address in <c>Patient.ndjson</c> the method's capability.</summary>
    /// <returns>How many addresses were provisioned.</returns>
    public static async Task<int> ProvisionAsync(RecipientStore store, string populationDirectory, string method, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        SmimeCertificateEntry? certificate = method == DeliveryMethod.Smime ? Certificate(now) : null;
        PgpKeyEntry? key = method == DeliveryMethod.Pgp ? PgpKey(now) : null;
        var domains = new HashSet<string>(StringComparer.Ordinal);
        var certificates = new List<SmimeCertificateEntry>(BatchSize);
        var keys = new List<PgpKeyEntry>(BatchSize);
        var portal = new List<string>(BatchSize);
        var count = 0;
        foreach (var address in Addresses(Path.Combine(populationDirectory, "Patient.ndjson")))
        {
            count++;
            switch (method)
            {
                case DeliveryMethod.Smime:
                    certificates.Add(certificate! with { Address = address });
                    break;
                case DeliveryMethod.Pgp:
                    keys.Add(key! with { Address = address });
                    break;
                case DeliveryMethod.Portal:
                    portal.Add(address);
                    break;
                default:
                    domains.Add(RecipientAddress.DomainOf(address));
                    break;
            }

            if (certificates.Count + keys.Count + portal.Count >= BatchSize)
            {
                await store.UpsertBatchAsync(certificates, keys, portal, cancellationToken).ConfigureAwait(false);
                certificates.Clear();
                keys.Clear();
                portal.Clear();
            }
        }

        await store.UpsertBatchAsync(certificates, keys, portal, cancellationToken).ConfigureAwait(false);
        foreach (var domain in domains)
        {
            await store.SetDomainTlsAsync(domain, true, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    private static IEnumerable<string> Addresses(string patientFile)
    {
        foreach (var line in File.ReadLines(patientFile))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            if (!document.RootElement.TryGetProperty("telecom", out var telecom) || telecom.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var contact in telecom.EnumerateArray())
            {
                if (contact.TryGetProperty("system", out var system) && system.ValueEquals("email")
                    && contact.TryGetProperty("value", out var value) && RecipientAddress.TryNormalize(value.GetString(), out var address))
                {
                    yield return address;
                    break;
                }
            }
        }
    }

    private static SmimeCertificateEntry Certificate(DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Benchmark Recipient", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, critical: true));
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        return new SmimeCertificateEntry("", created.Thumbprint.ToLowerInvariant(), created.Export(X509ContentType.Cert), created.NotBefore.ToUniversalTime(), created.NotAfter.ToUniversalTime(), false);
    }

    private static PgpKeyEntry PgpKey(DateTimeOffset now)
    {
        var random = new SecureRandom();
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(0x10001), random, 2048, 12));
        var created = now.UtcDateTime.AddDays(-1);
        var master = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created);
        var encryption = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), created);
        var ring = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, master, "Benchmark <bench@example.org>", SymmetricKeyAlgorithmTag.Aes256, Array.Empty<char>(), true, null, null, random);
        ring.AddSubKey(encryption);
        using var buffer = new MemoryStream();
        using (var armor = new ArmoredOutputStream(buffer))
        {
            ring.GeneratePublicKeyRing().Encode(armor);
        }

        return new PgpKeyEntry("", master.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetString(buffer.ToArray()), null);
    }
}
