using System.CommandLine;
using Automation.Activities.SecureSend;
using Automation.Activities.SecureSend.Delivery;
using Automation.Activities.SecureSend.Recipients;
using Automation.Activities.SecureSend.Mime;
using Automation.Activities.SecureSend.Policies;

namespace Automation.Cli.Commands;

/// <summary>
/// <c>automation send --to ADDRESS --subject TEXT --body-file FILE [--phi] [--policy FILE] --smtp HOST:PORT
/// [--smtp-tls none|starttls] [--insecure-test-cert] [--recipient-cert PEM] [--recipient-pgp ASC]</c>: one message through
/// the same policy, build, encryption and delivery code as the activity, directly (no outbox). Recipient certificates
/// and keys given here live in a throw-away directory for this one run. Prints <c>method: ...</c> and <c>result: ...</c>;
/// exits 0 when delivered, 1 when blocked, bounced, deferred or failed, 2 for bad arguments.
/// </summary>
internal static class SendCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var to = new Option<string>("--to") { Description = "The recipient address.", Required = true };
        var subject = new Option<string>("--subject") { Description = "The subject (Liquid; must not read PHI).", Required = true };
        var bodyFile = new Option<FileInfo>("--body-file") { Description = "The body (Liquid): .html/.htm is HTML, anything else plain text.", Required = true };
        var phi = new Option<bool>("--phi") { Description = "The message carries PHI." };
        var policy = new Option<FileInfo?>("--policy") { Description = "A policy JSON file (default: the built-in default policy)." };
        var smtp = new Option<string>("--smtp") { Description = "The SMTP relay as HOST:PORT.", Required = true };
        var smtpTls = new Option<string>("--smtp-tls") { Description = "starttls (default) or none.", DefaultValueFactory = _ => "starttls" };
        smtpTls.AcceptOnlyFromAmong("starttls", "none");
        var insecure = new Option<bool>("--insecure-test-cert") { Description = "Accept any server certificate (test servers only)." };
        var recipientCert = new Option<FileInfo?>("--recipient-cert") { Description = "The recipient's S/MIME certificate (PEM or DER) for this run." };
        var recipientPgp = new Option<FileInfo?>("--recipient-pgp") { Description = "The recipient's armored OpenPGP public key for this run." };
        var from = new Option<string>("--from") { Description = "The sender address.", DefaultValueFactory = _ => "no-reply@automation.local" };
        var command = new Command("send", "Sends one message through the secure send policy and delivery code and prints the decision and the result.")
        {
            to, subject, bodyFile, phi, policy, smtp, smtpTls, insecure, recipientCert, recipientPgp, from,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var relay = parseResult.GetValue(smtp)!;
            var colon = relay.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(relay[(colon + 1)..], out var port) || port is < 1 or > 65535)
            {
                await error.WriteLineAsync("--smtp: expected HOST:PORT.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var body = parseResult.GetValue(bodyFile)!;
            if (!body.Exists)
            {
                await error.WriteLineAsync($"--body-file: {body.FullName} does not exist.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var policyFile = parseResult.GetValue(policy);
            PolicyLoader policies;
            string? policyName = null;
            try
            {
                if (policyFile is not null)
                {
                    var loaded = PolicyLoader.LoadFile(policyFile.FullName);
                    policyName = loaded.Name;
                    policies = new PolicyLoader(null, [loaded]);
                }
                else
                {
                    policies = new PolicyLoader(null);
                }
            }
            catch (Exception exception) when (exception is PolicyValidationException or IOException)
            {
                await error.WriteLineAsync("--policy: " + exception.Message).ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var folder = Directory.CreateTempSubdirectory("automation-send-").FullName;
            try
            {
                var store = RecipientStore.Create("sqlite", $"Data Source={Path.Combine(folder, "recipients.db")};Pooling=False");
                await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
                var directory = new RecipientDirectory(store, new SmimeCertificateImporter([], TimeProvider.System), TimeProvider.System);
                var address = parseResult.GetValue(to)!;
                try
                {
                    if (parseResult.GetValue(recipientCert) is { } cert)
                    {
                        await directory.ImportCertificateAsync(await File.ReadAllBytesAsync(cert.FullName, cancellationToken).ConfigureAwait(false), address, cancellationToken).ConfigureAwait(false);
                    }

                    if (parseResult.GetValue(recipientPgp) is { } pgp)
                    {
                        await directory.ImportPgpKeyAsync(await File.ReadAllTextAsync(pgp.FullName, cancellationToken).ConfigureAwait(false), address, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception exception) when (exception is RecipientImportException or IOException)
                {
                    await error.WriteLineAsync((exception is RecipientImportException import ? import.Field + ": " : "") + exception.Message).ConfigureAwait(false);
                    return CliApplication.Invalid;
                }

                var options = new SecureSendOptions { From = parseResult.GetValue(from)! };
                var sender = new SecureSender(directory, policies, new SecureMessageBuilder(options, TimeProvider.System), options, TimeProvider.System);
                var content = await File.ReadAllTextAsync(body.FullName, cancellationToken).ConfigureAwait(false);
                var isHtml = body.Extension is ".html" or ".htm";
                var key = MessageKeys.For("cli-" + Guid.NewGuid().ToString("N"), "send", address);
                var preparation = await sender.PrepareAsync(new SendRequest(key, address, null, "", "", parseResult.GetValue(subject)!,
                    isHtml ? content : "<pre>" + System.Net.WebUtility.HtmlEncode(content) + "</pre>", isHtml ? null : content, null, "treatment", policyName,
                    parseResult.GetValue(phi) ? true : null, []), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"method: {preparation.Decision?.Method ?? "none"}").ConfigureAwait(false);
                await output.WriteLineAsync($"decision: {preparation.Reason}").ConfigureAwait(false);
                if (preparation.Envelope is not { } envelope)
                {
                    await output.WriteLineAsync($"result: {preparation.Outcome.ToLowerInvariant()}").ConfigureAwait(false);
                    return CliApplication.Failed;
                }

                await using var deliverer = new SmtpDeliverer(new SmtpOptions
                {
                    Host = relay[..colon], Port = port, TlsMode = parseResult.GetValue(smtpTls)!, InsecureAcceptAnyCertificate = parseResult.GetValue(insecure), PoolSize = 1,
                });
                var delivered = (await deliverer.DeliverAsync([new DeliveryRequest(key, envelope.From, envelope.To, envelope.RequireTls, envelope.Mime)], cancellationToken).ConfigureAwait(false))[0];
                await output.WriteLineAsync(delivered.Status switch
                {
                    DeliveryStatus.Delivered => $"result: delivered message-id <{key}@{options.MessageIdDomain}> tls: {delivered.TlsProtocol ?? "none"} {delivered.TlsCipher}".TrimEnd(),
                    DeliveryStatus.Bounced => $"result: bounced: {delivered.Reason}",
                    _ => $"result: deferred: {delivered.Reason}",
                }).ConfigureAwait(false);
                return delivered.Status == DeliveryStatus.Delivered ? CliApplication.Ok : CliApplication.Failed;
            }
            finally
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    // A temporary folder left behind is harmless.
                }
            }
        });
        return command;
    }
}
