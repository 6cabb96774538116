using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Automation.Persistence.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.Demo;

public sealed class DemoBootstrapTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-demo-").FullName;
    private readonly string workflows = Path.Combine(AppContext.BaseDirectory, "Workflows");
    private readonly int smtpPort = FreePort();

    public void Dispose()
    {
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task FirstStart_GeneratesPatients_RunsTheSmtpCapture_AndCreatesOneAdmin_OnlyOnce()
    {
        var patients = Path.Combine(data, "patients", "Patient.ndjson");
        DateTime written;
        await using (var first = Demo())
        {
            (await first.CreateClient().GetAsync("/health/ready")).EnsureSuccessStatusCode();
            Assert.Equal(25, File.ReadLines(patients).Count());
            written = File.GetLastWriteTimeUtc(patients);

            using var smtp = new TcpClient();
            await smtp.ConnectAsync(IPAddress.Loopback, smtpPort);
            using var reader = new StreamReader(smtp.GetStream());
            Assert.StartsWith("220", await reader.ReadLineAsync(), StringComparison.Ordinal);

            var user = Assert.Single(await first.Services.GetRequiredService<IIdentityStore>().ListUsersAsync());
            Assert.Equal(("admin@localhost", Roles.Admin), (user.Email, user.Role));
        }

        await using (var second = Demo())
        {
            (await second.CreateClient().GetAsync("/health/ready")).EnsureSuccessStatusCode();
            Assert.Single(await second.Services.GetRequiredService<IIdentityStore>().ListUsersAsync());
            Assert.Equal(written, File.GetLastWriteTimeUtc(patients));
        }
    }

    private ServerFactory Demo() => new(data, workflows, new StringWriter(), new Dictionary<string, string>
    {
        ["Automation:Demo:Enabled"] = "true",
        ["Automation:Demo:Patients"] = "25",
        ["Automation:Demo:SmtpPort"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Automation:Auth:InitialAdmin:Email"] = "",
        ["Automation:Auth:InitialAdmin:Password"] = "",
    });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
