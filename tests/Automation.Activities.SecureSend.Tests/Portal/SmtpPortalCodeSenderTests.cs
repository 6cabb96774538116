using Automation.Activities.SecureSend.Portal;
using Automation.Activities.SecureSend.Capture;
using MailKit.Security;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Activities.SecureSend.Tests.Portal;

/// <summary>The SMTP code sender against a real SMTP server on loopback.</summary>
public sealed class SmtpPortalCodeSenderTests
{
    private readonly FakeTimeProvider clock = new(PortalHarness.Start);

    [Fact]
    public async Task Send_ServerOffersStartTls_DeliversTheCodeEncryptedWithoutPhi()
    {
        await using var smtp = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
        var sender = new SmtpPortalCodeSender(Options(smtp.Port), clock);

        await sender.SendAsync(new PortalCode("msg-1", "jane.doe@example.test", "123456", PortalHarness.Start.AddMinutes(10)));

        var captured = Assert.Single(smtp.Messages);
        using var raw = new MemoryStream(captured.Raw);
        var message = await MimeKit.MimeMessage.LoadAsync(raw);
        Assert.True(captured.OverTls);
        Assert.Equal("jane.doe@example.test", message.To.Mailboxes.Single().Address);
        Assert.Equal("portal@hospital.test", message.From.Mailboxes.Single().Address);
        Assert.Contains("123456", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("10 minutes", message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("msg-1", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ServerWithoutStartTls_DeliversNothing()
    {
        await using var smtp = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = false });
        var sender = new SmtpPortalCodeSender(Options(smtp.Port), clock);

        await Assert.ThrowsAsync<NotSupportedException>(() => sender.SendAsync(new PortalCode("msg-1", "jane.doe@example.test", "123456", PortalHarness.Start.AddMinutes(10))));

        Assert.Equal(0, smtp.Count);
    }

    [Fact]
    public async Task Send_UntrustedCertificateWithoutTheTestSwitch_DeliversNothing()
    {
        await using var smtp = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
        var options = Options(smtp.Port);
        options.Smtp.InsecureAcceptAnyCertificate = false;
        var sender = new SmtpPortalCodeSender(options, clock);

        await Assert.ThrowsAsync<SslHandshakeException>(() => sender.SendAsync(new PortalCode("msg-1", "jane.doe@example.test", "123456", PortalHarness.Start.AddMinutes(10))));

        Assert.Equal(0, smtp.Count);
    }

    [Fact]
    public async Task Send_NoHostConfigured_SaysWhichSettingIsMissing()
    {
        var sender = new SmtpPortalCodeSender(new PortalOptions(), clock);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SendAsync(new PortalCode("msg-1", "a@example.test", "123456", PortalHarness.Start)));

        Assert.Contains("SecureSend:Smtp:Host", error.Message, StringComparison.Ordinal);
    }

    private static PortalOptions Options(int port) => new()
    {
        Smtp = new PortalSmtpOptions { Host = "127.0.0.1", Port = port, From = "portal@hospital.test", InsecureAcceptAnyCertificate = true },
    };
}
