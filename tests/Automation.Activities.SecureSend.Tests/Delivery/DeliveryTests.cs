using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Capture;
using Automation.Activities.SecureSend.Tests.Support;
using Automation.Engine.Audit;
using Automation.Engine.Outbox;
using Automation.Engine.Security;
using MimeKit;

namespace Automation.Activities.SecureSend.Tests.Delivery;

public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly PhiProtector protector = PhiProtector.CreateEphemeral();
    private readonly FakeAuditLog audit = new();
    private readonly FakePortal portal = new();
    private Harness harness = null!;
    private SmtpCapture server = null!;

    public async Task InitializeAsync()
    {
        harness = new Harness(portal);
        server = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = true });
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        harness.Dispose();
    }

    private SecureSendOutboxHandler Handler(int port, string tlsMode = "starttls") =>
        new(new SmtpOptions { Host = "127.0.0.1", Port = port, TlsMode = tlsMode, InsecureAcceptAnyCertificate = true, RetryDelay = TimeSpan.FromSeconds(30) }, protector, audit, TimeProvider.System);

    private OutboxItem Item(SendPreparation preparation, string key, int attempt = 1) =>
        new(key, OutboxEnvelope.Topic, preparation.Envelope!.Protect(protector, key), "instance-1", attempt, DateTimeOffset.UtcNow);

    private async Task<(SendPreparation Preparation, string Key)> PrepareAsync(string recipient, string? html = null, bool? containsPhi = null)
    {
        var request = html is null ? Harness.Request(recipient, containsPhi: containsPhi) : Harness.Request(recipient, html, containsPhi: containsPhi);
        var preparation = await harness.Sender.PrepareAsync(request);
        return (preparation, request.MessageKey);
    }

    [Fact]
    public async Task Smime_DeliveredOverTls_DecryptsWithOpensslAndUsesAes256()
    {
        var (certificatePem, keyPem, _) = Tools.SmimeRecipient("ana@example.org");
        await harness.Directory.ImportCertificateAsync(System.Text.Encoding.ASCII.GetBytes(certificatePem), null);
        var (preparation, key) = await PrepareAsync("ana@example.org");
        Assert.Equal("smime", preparation.Decision!.Method);
        await using var handler = Handler(server.Port);

        var results = await handler.HandleAsync([Item(preparation, key)], CancellationToken.None);

        Assert.Equal(OutboxResult.Done, results[0]);
        var captured = Assert.Single(server.Messages);
        Assert.True(captured.OverTls);
        var file = Tools.WriteTemp(captured.Raw, ".eml");
        var certFile = Tools.WriteTemp(certificatePem, ".pem");
        var keyFile = Tools.WriteTemp(keyPem, ".pem");
        var decrypted = await Tools.RunAsync("openssl", $"cms -decrypt -in {file} -recip {certFile} -inkey {keyFile}");
        Assert.True(decrypted.ExitCode == 0, decrypted.Error);
        Assert.True(decrypted.Output.Contains("Your HbA1c: 8.4", StringComparison.Ordinal), decrypted.Output);
        var printed = await Tools.RunAsync("openssl", $"cms -cmsout -print -in {file}");
        Assert.Contains("aes-256", printed.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("des-ede3", printed.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("8.4", System.Text.Encoding.ASCII.GetString(captured.Raw));
        Assert.Equal($"{key}@clinic.example.org", MimeMessage.Load(new MemoryStream(captured.Raw)).MessageId);
        var delivered = Assert.Single(audit.Entries, e => e.Action == AuditActions.MessageDelivered);
        Assert.StartsWith("Tls1", delivered.TlsProtocol, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(delivered.TlsCipher));
        Assert.Equal(Harness.Hasher.Hash("p1"), delivered.PatientHash);
    }

    [Fact]
    public async Task Pgp_Delivered_DecryptsWithGpgAndUsesAes256()
    {
        var (home, publicKey) = await Tools.GpgKeyAsync("pgp@example.org");
        try
        {
            await harness.Directory.ImportPgpKeyAsync(publicKey, null);
            var (preparation, key) = await PrepareAsync("pgp@example.org");
            Assert.Equal("pgp", preparation.Decision!.Method);
            await using var handler = Handler(server.Port);

            await handler.HandleAsync([Item(preparation, key)], CancellationToken.None);

            var captured = Assert.Single(server.Messages);
            var message = MimeMessage.Load(new MemoryStream(captured.Raw));
            Assert.NotNull(message.Body);
            Assert.Equal("multipart/encrypted", message.Body!.ContentType.MimeType);
            Assert.Equal("application/pgp-encrypted", message.Body.ContentType.Parameters["protocol"]);
            var armored = ((MimePart)((Multipart)message.Body)[1]);
            using var content = new MemoryStream();
            await armored.Content!.DecodeToAsync(content);
            var file = Tools.WriteTemp(content.ToArray(), ".asc");
            var decrypted = await Tools.RunAsync("gpg", $"--batch --pinentry-mode loopback --passphrase \"\" -v --decrypt {file}", new Dictionary<string, string> { ["GNUPGHOME"] = home });
            Assert.True(decrypted.ExitCode == 0, decrypted.Error);
            Assert.Contains("Your HbA1c: 8.4", decrypted.Output);
            Assert.Contains("AES256", decrypted.Error);
        }
        finally
        {
            System.IO.Directory.Delete(home, true);
        }
    }

    [Fact]
    public async Task Portal_NoticeCarriesOnlyTheLink_BodyIsDeposited()
    {
        await harness.Directory.EnrollPortalAsync("portal@example.org");
        var (preparation, key) = await PrepareAsync("portal@example.org");
        Assert.Equal("portal", preparation.Decision!.Method);
        await using var handler = Handler(server.Port);

        await handler.HandleAsync([Item(preparation, key)], CancellationToken.None);

        var raw = System.Text.Encoding.UTF8.GetString(Assert.Single(server.Messages).Raw);
        Assert.Contains("https://portal.example.org/pickup/" + key, raw);
        Assert.DoesNotContain("8.4", raw);
        Assert.DoesNotContain("A message from your clinic", raw);
        Assert.Contains("8.4", portal.Deposits[key].HtmlBody);
    }

    [Fact]
    public async Task RequiredTls_ServerWithoutStartTls_NothingDeliveredAndBounceAudited()
    {
        await using var plain = SmtpCapture.Start(new SmtpCaptureOptions { StartTls = false });
        var (preparation, key) = await PrepareAsync("nophi@example.org", "<p>Hello {{ Patient.firstName }}</p>");
        Assert.Equal("tls", preparation.Decision!.Method);
        await using var handler = Handler(plain.Port);

        var results = await handler.HandleAsync([Item(preparation, key)], CancellationToken.None);

        var dead = Assert.IsType<OutboxResult.DeadResult>(results[0]);
        Assert.Contains("STARTTLS", dead.Reason);
        Assert.Equal(0, plain.Count);
        var bounce = Assert.Single(audit.Entries, e => e.Action == AuditActions.MessageBounced);
        Assert.Equal(key, bounce.MessageId);
    }

    [Fact]
    public async Task DroppedConnection_IsRetriedLater()
    {
        var (port, stop) = Tools.DroppingServer();
        try
        {
            var (preparation, key) = await PrepareAsync("drop@example.org", "<p>Hi</p>");
            await using var handler = Handler(port);

            var results = await handler.HandleAsync([Item(preparation, key, attempt: 2)], CancellationToken.None);

            var retry = Assert.IsType<OutboxResult.RetryResult>(results[0]);
            Assert.True(retry.At > DateTimeOffset.UtcNow.AddSeconds(50)); // 30 s doubled for the second attempt
            Assert.Empty(audit.Entries);
        }
        finally
        {
            await stop();
        }
    }

    [Fact]
    public async Task SeveralMessagesOnOneConnection_ArriveByteForByteAsStored_InOrder()
    {
        var prepared = new List<(SendPreparation Preparation, string Key)>();
        foreach (var (recipient, html) in new[] { ("a@example.org", "<p>one</p>"), ("b@example.org", "<p>two</p>"), ("c@example.org", "<p>three</p>") })
        {
            prepared.Add(await PrepareAsync(recipient, html));
        }

        await using var handler = Handler(server.Port);

        var results = await handler.HandleAsync([.. prepared.Select(p => Item(p.Preparation, p.Key))], CancellationToken.None);

        Assert.All(results, result => Assert.Equal(OutboxResult.Done, result));

        // The capture server hands over the data without the line break that ends it (the first CRLF of CRLF.CRLF).
        Assert.Equal(prepared.Select(p => Convert.ToHexString(p.Preparation.Envelope!.Mime)), server.Messages.Select(m => Convert.ToHexString(m.Raw) + "0D0A"));
    }

    [Fact]
    public async Task ServerReplies_4xxRetries_5xxBounces()
    {
        var (first, firstKey) = await PrepareAsync("a@example.org", "<p>one</p>");
        var (second, secondKey) = await PrepareAsync("b@example.org", "<p>two</p>");
        server.Responder = (raw, _) => ValueTask.FromResult(System.Text.Encoding.ASCII.GetString(raw).Contains("one", StringComparison.Ordinal) ? 451 : 554);
        await using var handler = Handler(server.Port);

        var results = await handler.HandleAsync([Item(first, firstKey), Item(second, secondKey)], CancellationToken.None);

        Assert.IsType<OutboxResult.RetryResult>(results[0]);
        Assert.Contains("SMTP 554", Assert.IsType<OutboxResult.DeadResult>(results[1]).Reason);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task CrashBetweenOutboxWriteAndSmtpAck_ExactlyOneCopyAfterRestart()
    {
        var store = new InMemoryOutboxStore();
        var (preparation, key) = await PrepareAsync("crash@example.org", "<p>Hi {{ Patient.firstName }}</p>");
        await store.EnqueueAsync([new OutboxMessage(key, OutboxEnvelope.Topic, preparation.Envelope!.Protect(protector, key))]);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        server.Responder = async (_, _) =>
        {
            holding.TrySetResult();
            await release.Task; // the server never acknowledges this first DATA
            return 451;
        };

        using (var crash = new CancellationTokenSource())
        {
            await using var firstHandler = Handler(server.Port);
            var relay = new OutboxRelay(store, [firstHandler], new OutboxSignal(), clock);
            var run = relay.DeliverOnceAsync(crash.Token);
            await holding.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await crash.CancelAsync(); // the process dies before the acknowledgement
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }

        release.SetResult();
        server.Responder = null;
        Assert.Equal("pending", (await store.GetAsync(key))!.Status);

        clock.Advance(TimeSpan.FromMinutes(3)); // the dead relay's lease runs out
        await using var secondHandler = Handler(server.Port);
        var restarted = new OutboxRelay(store, [secondHandler], new OutboxSignal(), clock);
        await restarted.DeliverPendingAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2));
        await restarted.DeliverPendingAsync(CancellationToken.None);

        var copies = server.Messages.Count(m => System.Text.Encoding.ASCII.GetString(m.Raw).Contains($"<{key}@", StringComparison.Ordinal));
        Assert.Equal(1, copies);
        Assert.Equal("done", (await store.GetAsync(key))!.Status);
    }
}
