using Automation.Activities.SecureSend.Capture;
using Automation.Activities.SecureSend.Tests.Support;
using Automation.Cli;
using Microsoft.Data.Sqlite;

namespace Automation.Activities.SecureSend.Tests.Cli;

public sealed class SecureSendCliTests : IAsyncLifetime
{
    private readonly string folder = System.IO.Directory.CreateTempSubdirectory("securesend-cli").FullName;
    private SmtpCapture server = null!;

    public Task InitializeAsync()
    {
        server = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(folder, true);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Body(string text = "Your results are ready: HbA1c 8.4")
    {
        var path = Path.Combine(folder, "body.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Send_PhiWithRecipientCertificate_DeliversSmimeOverTls()
    {
        var (pem, keyPem, _) = Tools.SmimeRecipient("ana@example.org");
        var cert = Path.Combine(folder, "ana.pem");
        File.WriteAllText(cert, pem);

        var (exit, output, error) = await RunAsync("send", "--to", "ana@example.org", "--subject", "Your results", "--body-file", Body(), "--phi",
            "--smtp", $"127.0.0.1:{server.Port}", "--insecure-test-cert", "--recipient-cert", cert);

        Assert.True(exit == 0, output + error);
        Assert.Contains("method: smime", output);
        Assert.Matches(@"result: delivered message-id <[0-9a-f]{32}@automation\.local> tls: Tls1[23]", output);
        var captured = Assert.Single(server.Messages);
        var file = Tools.WriteTemp(captured.Raw, ".eml");
        var decrypted = await Tools.RunAsync("openssl", $"cms -decrypt -in {file} -recip {cert} -inkey {Tools.WriteTemp(keyPem, ".pem")}");
        Assert.Contains("HbA1c 8.4", decrypted.Output);
    }

    [Fact]
    public async Task Send_PhiWithoutCertificateOrKey_IsBlockedAndNothingSent()
    {
        var (exit, output, _) = await RunAsync("send", "--to", "bob@example.org", "--subject", "Results", "--body-file", Body(), "--phi", "--smtp", $"127.0.0.1:{server.Port}");

        Assert.Equal(1, exit);
        Assert.Contains("method: none", output);
        Assert.Contains("result: blocked", output);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task Send_NonPhiToServerWithoutStartTls_Bounces()
    {
        await using var plain = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = false });

        var (exit, output, _) = await RunAsync("send", "--to", "bob@example.org", "--subject", "Hello", "--body-file", Body("See you soon"), "--smtp", $"127.0.0.1:{plain.Port}");

        Assert.Equal(1, exit);
        Assert.Contains("method: tls", output);
        Assert.Contains("result: bounced: TLS 1.2+ required but the SMTP server does not offer STARTTLS", output);
        Assert.Equal(0, plain.Count);
    }

    [Fact]
    public async Task Send_InvalidPolicyFile_NamesTheJsonPath()
    {
        var policy = Path.Combine(folder, "bad.json");
        File.WriteAllText(policy, """{ "rules": [ { "sensitivity": "phi", "methods": ["fax"] } ] }""");

        var (exit, _, error) = await RunAsync("send", "--to", "bob@example.org", "--subject", "Hello", "--body-file", Body(), "--policy", policy, "--smtp", $"127.0.0.1:{server.Port}");

        Assert.Equal(2, exit);
        Assert.Contains("$.rules[0].methods[0]: unknown method 'fax'", error);
    }

    [Fact]
    public async Task Recipients_ImportListEnrolDomain_AgainstTheDatabase()
    {
        var db = $"Data Source={Path.Combine(folder, "automation.db")}";
        var cert = Path.Combine(folder, "c.pem");
        File.WriteAllText(cert, Tools.SmimeRecipient("Cert@Example.org").CertificatePem);
        var (home, publicKey) = await Tools.GpgKeyAsync("pgp@example.org");
        System.IO.Directory.Delete(home, true);
        var key = Path.Combine(folder, "k.asc");
        File.WriteAllText(key, publicKey);

        Assert.Equal(0, (await RunAsync("recipients", "import-cert", cert, "--connection", db)).Exit);
        Assert.Equal(0, (await RunAsync("recipients", "import-pgp", key, "--connection", db)).Exit);
        Assert.Equal(0, (await RunAsync("recipients", "enroll-portal", "portal@example.org", "--connection", db)).Exit);
        Assert.Equal(0, (await RunAsync("recipients", "domain-tls", "example.org", "--require", "--connection", db)).Exit);
        var (exit, output, _) = await RunAsync("recipients", "list", "--connection", db);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cert@example.org\tsmime:", lines[0], StringComparison.Ordinal);
        Assert.Contains("(valid)", lines[0]);
        Assert.Contains("pgp@example.org\tsmime:-\tpgp:", lines[1]);
        Assert.Contains("portal@example.org\tsmime:-\tpgp:-\tportal:yes\ttls:required", lines[2]);
        Assert.Equal("domain example.org\ttls:required", lines[3].TrimEnd('\r'));
    }

    [Fact]
    public async Task Recipients_MalformedCertificate_ExitsTwoWithThePreciseError()
    {
        var cert = Path.Combine(folder, "bad.pem");
        File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");

        var (exit, _, error) = await RunAsync("recipients", "import-cert", cert, "--connection", $"Data Source={Path.Combine(folder, "x.db")}");

        Assert.Equal(2, exit);
        Assert.StartsWith("certificate: The certificate is malformed", error, StringComparison.Ordinal);
    }
}
