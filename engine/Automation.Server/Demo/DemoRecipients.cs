using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Automation.Activities.SecureSend.Recipients;

namespace Automation.Server.Demo;

/// <summary>
/// Gives the demo's synthetic patients what real recipients would have: every other address an S/MIME certificate (one
/// demo recipient key, kept in the data folder so the captured-mail page can open what was sent), the rest portal
/// enrolment. Done once, on the first start.
/// </summary>
internal static class DemoRecipients
{
    public const string KeyFile = "demo-recipients.pfx";

    public static async Task<int> ProvisionAsync(string patientsFolder, string keysFolder, RecipientDirectory directory, CancellationToken cancellationToken)
    {
        var pfxPath = Path.Combine(keysFolder, KeyFile);
        if (File.Exists(pfxPath))
        {
            return 0;
        }

        Directory.CreateDirectory(keysFolder);
        using var certificate = CreateCertificate();
        var der = certificate.Export(X509ContentType.Cert);
        var provisioned = 0;
        foreach (var (address, index) in Emails(Path.Combine(patientsFolder, "Patient.ndjson")).Select((a, i) => (a, i)))
        {
            if (index % 2 == 0)
            {
                await directory.ImportCertificateAsync(der, address, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await directory.EnrollPortalAsync(address, cancellationToken).ConfigureAwait(false);
            }

            provisioned++;
        }

        // Written last: its presence means provisioning finished.
        await File.WriteAllBytesAsync(pfxPath, certificate.Export(X509ContentType.Pfx), cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(pfxPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return provisioned;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Automation demo recipients", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    private static IEnumerable<string> Emails(string patientFile)
    {
        foreach (var line in File.ReadLines(patientFile))
        {
            using var patient = JsonDocument.Parse(line);
            if (!patient.RootElement.TryGetProperty("telecom", out var telecom))
            {
                continue;
            }

            foreach (var contact in telecom.EnumerateArray())
            {
                if (contact.TryGetProperty("system", out var system) && system.GetString() == "email" && contact.TryGetProperty("value", out var value) && value.GetString() is { Length: > 0 } email)
                {
                    yield return email;
                    break;
                }
            }
        }
    }
}
