using System.Security.Authentication;
using Automation.Activities.SecureSend.Capture;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Automation.Activities.SecureSend.Tests.Capture;

public sealed class SmtpCaptureTests
{
    [Fact]
    public async Task A_message_sent_with_required_starttls_is_captured_over_tls_with_its_message_id()
    {
        await using var capture = SmtpCapture.Start();
        using var client = new SmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == capture.Certificate!.GetCertHashString();
        await client.ConnectAsync("127.0.0.1", capture.Port, SecureSocketOptions.StartTls);
        var message = new MimeMessage { Subject = "Reminder", MessageId = "abc123@automation.test" };
        message.From.Add(MailboxAddress.Parse("noreply@hospital.test"));
        message.To.Add(MailboxAddress.Parse("patient@example.org"));
        message.Body = new TextPart("plain") { Text = "See you soon." };
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        Assert.True(await capture.WaitForCountAsync(1, TimeSpan.FromSeconds(10)));
        var captured = Assert.Single(capture.Messages);
        Assert.True(captured.OverTls);
        Assert.Equal("abc123@automation.test", captured.MessageId);
        Assert.Equal(["patient@example.org"], captured.To);
        Assert.Equal("Reminder", (await MimeMessage.LoadAsync(new MemoryStream(captured.Raw))).Subject);
    }

    [Fact]
    public async Task Pipelined_messages_on_one_starttls_session_are_all_captured_over_tls()
    {
        await using var capture = SmtpCapture.Start();
        using var client = new SmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync("127.0.0.1", capture.Port, SecureSocketOptions.StartTls);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        for (var i = 0; i < 5; i++)
        {
            var message = new MimeMessage { Subject = "Reminder " + i, MessageId = $"m{i}@automation.test" };
            message.From.Add(MailboxAddress.Parse("noreply@hospital.test"));
            message.To.Add(MailboxAddress.Parse($"patient{i}@example.org"));
            message.To.Add(MailboxAddress.Parse($"carer{i}@example.org"));
            message.Body = new TextPart("plain") { Text = "See you soon." };
            await client.SendAsync(message);
        }

        await client.DisconnectAsync(true);

        Assert.True(await capture.WaitForCountAsync(5, TimeSpan.FromSeconds(10)));
        Assert.All(capture.Messages, m => Assert.True(m.OverTls));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"m{i}@automation.test"), capture.Messages.Select(m => m.MessageId));
        Assert.Equal(["patient4@example.org", "carer4@example.org"], capture.Messages[4].To);
    }

    [Fact]
    public async Task Sessions_are_accepted_with_nagle_off_so_pipelined_replies_do_not_wait_for_delayed_acks()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var endpoint = new SmtpServer.EndpointDefinitionBuilder().Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)).Build();
        using var listener = (NoDelayEndpointListenerFactory.Listener)new NoDelayEndpointListenerFactory().CreateListener(endpoint);

        var accepting = listener.AcceptAsync(CancellationToken.None);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        using var session = await accepting;

        Assert.True(session.Socket.NoDelay);
        Assert.False(session.IsSecure);
    }

    [Fact]
    public async Task Counting_only_still_reports_each_message_id_without_keeping_the_bytes()
    {
        await using var capture = SmtpCapture.Start(new SmtpCaptureOptions { Keep = 0 });
        var seen = new System.Collections.Concurrent.ConcurrentQueue<CapturedMessage>();
        capture.MessageReceived += seen.Enqueue;
        using var client = new SmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync("127.0.0.1", capture.Port, SecureSocketOptions.StartTls);
        var message = new MimeMessage { Subject = "Reminder", MessageId = "counted@automation.test" };
        message.From.Add(MailboxAddress.Parse("noreply@hospital.test"));
        message.To.Add(MailboxAddress.Parse("patient@example.org"));
        message.Body = new TextPart("plain") { Text = new string('x', 100_000) };
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        Assert.True(await capture.WaitForCountAsync(1, TimeSpan.FromSeconds(10)));
        var counted = Assert.Single(seen);
        Assert.Equal("counted@automation.test", counted.MessageId);
        Assert.Empty(counted.Raw);
        Assert.Empty(capture.Messages);
    }

    [Fact]
    public async Task Without_starttls_a_client_that_requires_tls_cannot_send()
    {
        await using var capture = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = false });
        using var client = new SmtpClient();
        await Assert.ThrowsAsync<NotSupportedException>(() => client.ConnectAsync("127.0.0.1", capture.Port, SecureSocketOptions.StartTls));
        Assert.Equal(0, capture.Count);
    }

    [Fact]
    public async Task A_capture_started_again_on_its_folder_lists_the_mail_there_and_numbers_on_without_writing_over_it()
    {
        var folder = Directory.CreateTempSubdirectory("automation-capture-").FullName;
        try
        {
            var options = new SmtpCaptureOptions { Folder = folder, Keep = 2 };
            await using (var first = SmtpCapture.Start(options))
            {
                await SendAsync(first, "one@example.org", "First");
                await SendAsync(first, "two@example.org", "Second");
                await SendAsync(first, "three@example.org", "Third");
            }

            // A folder from before envelopes were written: its message is listed from its headers, not claimed as TLS.
            File.WriteAllText(Path.Combine(folder, "00000004.eml"), "From: care@hospital.test\r\nTo: Four <four@example.org>\r\nMessage-ID: <m4@test>\r\nSubject: Fourth\r\n\r\nold\r\n");
            var written = Directory.GetFiles(folder, "*.eml").ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);

            await using var second = SmtpCapture.Start(options);
            Assert.Equal(0, second.Count);
            Assert.Equal([(3L, "three@example.org", true), (4L, "four@example.org", false)], second.Messages.Select(m => (m.Sequence, m.To.Single(), m.OverTls)));
            Assert.Equal("Third", (await MimeMessage.LoadAsync(new MemoryStream(second.Messages[0].Raw))).Subject);
            Assert.Equal("m4@test", second.Messages[1].MessageId);

            await SendAsync(second, "five@example.org", "Fifth");

            var fifth = second.Messages[^1];
            Assert.Equal((5L, "five@example.org", 1L), (fifth.Sequence, fifth.To.Single(), second.Count));
            Assert.Equal("Fifth", (await MimeMessage.LoadAsync(Path.Combine(folder, "00000005.eml"))).Subject);
            Assert.All(written, file => Assert.Equal(file.Value, File.ReadAllBytes(Path.Combine(folder, file.Key))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task SendAsync(SmtpCapture capture, string to, string subject)
    {
        using var client = new SmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == capture.Certificate!.GetCertHashString();
        await client.ConnectAsync("127.0.0.1", capture.Port, SecureSocketOptions.StartTls);
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse("care@hospital.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = subject };
        var before = capture.Count;
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
        Assert.True(await capture.WaitForCountAsync(before + 1, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("From: a@b\r\nMessage-ID: <x1@y>\r\n\r\nbody", "x1@y")]
    [InlineData("Message-Id: <first@y>\r\nSubject: s\r\n\r\nMessage-ID: <not-a-header@y>", "first@y")]
    [InlineData("Subject: none\r\n\r\nMessage-ID: <in-body@y>", null)]
    public void Message_id_is_read_from_the_header_block_only(string raw, string? expected) =>
        Assert.Equal(expected, SmtpCapture.MessageIdOf(System.Text.Encoding.ASCII.GetBytes(raw)));
}
