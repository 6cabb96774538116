using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Automation.Activities.SecureSend.Tests.Support;

/// <summary>Test keys and the command-line tools (openssl, gpg) that check what we send.</summary>
internal static class Tools
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string arguments, IDictionary<string, string>? environment = null, byte[]? stdin = null)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>An S/MIME recipient certificate and key (PEM), self-signed, keyEncipherment unless told otherwise.</summary>
    public static (string CertificatePem, string KeyPem, X509Certificate2 Certificate) SmimeRecipient(string address, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, X509KeyUsageFlags usage = X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Test Recipient, E={address}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(address);
        request.CertificateExtensions.Add(san.Build());
        var certificate = request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), certificate);
    }

    /// <summary>A temporary GNUPGHOME with an RSA key pair for the address (encryption subkey); returns the home and the armored public key.</summary>
    public static async Task<(string Home, string PublicKey)> GpgKeyAsync(string address)
    {
        var home = System.IO.Directory.CreateTempSubdirectory("gpg").FullName;
        var environment = new Dictionary<string, string> { ["GNUPGHOME"] = home };
        var created = await RunAsync("gpg", $"--batch --passphrase \"\" --quick-gen-key \"Test <{address}>\" rsa2048 sign,cert never", environment);
        Assert.True(created.ExitCode == 0, created.Error);
        var listed = await RunAsync("gpg", "--batch --list-keys --with-colons", environment);
        var fingerprint = listed.Output.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var added = await RunAsync("gpg", $"--batch --passphrase \"\" --quick-add-key {fingerprint} rsa2048 encr never", environment);
        Assert.True(added.ExitCode == 0, added.Error);
        var exported = await RunAsync("gpg", $"--batch --armor --export {address}", environment);
        return (home, exported.Output);
    }

    public static string WriteTemp(string content, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "securesend-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, content);
        return path;
    }

    public static string WriteTemp(byte[] content, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "securesend-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A server that greets and then drops the connection.</summary>
    public static (int Port, Func<Task> Stop) DroppingServer()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var cts = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                try
                {
                    using var client = await listener.AcceptTcpClientAsync(cts.Token);
                    var stream = client.GetStream();
                    await stream.WriteAsync("220 localhost ESMTP\r\n"u8.ToArray(), cts.Token);
                    var buffer = new byte[1024];
                    _ = await stream.ReadAsync(buffer, cts.Token); // EHLO
                    client.Client.Close(); // drop without answering
                }
                catch (Exception) when (cts.IsCancellationRequested)
                {
                    return;
                }
                catch (IOException)
                {
                }
            }
        });
        return (((IPEndPoint)listener.LocalEndpoint).Port, async () => { await cts.CancelAsync(); listener.Stop(); });
    }
}
