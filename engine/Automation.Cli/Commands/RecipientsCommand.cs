using System.CommandLine;
using Automation.Activities.SecureSend.Recipients;

namespace Automation.Cli.Commands;

/// <summary><c>automation recipients import-cert FILE [--address A] | import-pgp FILE [--address A] | list |
/// enroll-portal ADDRESS | domain-tls DOMAIN [--require] | revoke-cert THUMBPRINT</c>, against the server's database.</summary>
internal static class RecipientsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var (db, connection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var file = new Argument<FileInfo>("FILE") { Description = "The certificate (PEM or DER) or armored public key." };
        var address = new Option<string?>("--address") { Description = "File it under this address instead of the one in the certificate or key." };

        var importCert = new Command("import-cert", "Imports a recipient's S/MIME certificate (PEM or DER).") { file, address, db, connection };
        importCert.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, db, connection, error, cancellationToken, async directory =>
        {
            var entry = await directory.ImportCertificateAsync(await File.ReadAllBytesAsync(parseResult.GetValue(file)!.FullName, cancellationToken).ConfigureAwait(false), parseResult.GetValue(address), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"certificate {entry.Thumbprint} for {entry.Address} valid until {entry.NotAfter:yyyy-MM-dd}").ConfigureAwait(false);
        }));

        var importPgp = new Command("import-pgp", "Imports a recipient's armored OpenPGP public key.") { file, address, db, connection };
        importPgp.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, db, connection, error, cancellationToken, async directory =>
        {
            var armored = await File.ReadAllTextAsync(parseResult.GetValue(file)!.FullName, cancellationToken).ConfigureAwait(false);
            foreach (var entry in await directory.ImportPgpKeyAsync(armored, parseResult.GetValue(address), cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"pgp key {entry.KeyId} for {entry.Address}{(entry.ExpiresAt is { } expires ? $" valid until {expires:yyyy-MM-dd}" : "")}").ConfigureAwait(false);
            }
        }));

        var list = new Command("list", "Lists recipients, their certificates and keys, portal enrolment and domain TLS policy.") { db, connection };
        list.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, db, connection, error, cancellationToken, async directory =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var record in await directory.Store.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                var smime = record.Certificates.Count == 0 ? "-" : string.Join(",", record.Certificates.Select(c => $"{c.Thumbprint[..8]}({(c.Revoked ? "revoked" : c.NotAfter <= now ? "expired" : "valid")})"));
                var pgp = record.PgpKeys.Count == 0 ? "-" : string.Join(",", record.PgpKeys.Select(k => $"{k.KeyId}({(k.ExpiresAt is { } e && e <= now ? "expired" : "valid")})"));
                await output.WriteLineAsync($"{record.Address}\tsmime:{smime}\tpgp:{pgp}\tportal:{(record.PortalEnrolled ? "yes" : "no")}\ttls:{(record.DomainRequiresTls ? "required" : "opportunistic")}").ConfigureAwait(false);
            }

            foreach (var (domain, requireTls) in await directory.Store.ListDomainsAsync(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"domain {domain}\ttls:{(requireTls ? "required" : "opportunistic")}").ConfigureAwait(false);
            }
        }));

        var target = new Argument<string>("ADDRESS") { Description = "The recipient address." };
        var enroll = new Command("enroll-portal", "Enrols an address in the secure pickup portal.") { target, db, connection };
        enroll.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, db, connection, error, cancellationToken, async directory =>
            await output.WriteLineAsync($"{await directory.EnrollPortalAsync(parseResult.GetValue(target)!, cancellationToken).ConfigureAwait(false)} enrolled in the portal").ConfigureAwait(false)));

        var domainName = new Argument<string>("DOMAIN") { Description = "The recipient domain." };
        var require = new Option<bool>("--require") { Description = "Require TLS 1.2+ for mail to this domain (omit to make TLS opportunistic again)." };
        var domainTls = new Command("domain-tls", "Sets a recipient domain's TLS policy.") { domainName, require, db, connection };
        domainTls.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, db, connection, error, cancellationToken, async directory =>
        {
            var required = parseResult.GetValue(require);
            var domain = await directory.SetDomainTlsAsync(parseResult.GetValue(domainName)!, required, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"domain {domain}: TLS {(required ? "required" : "opportunistic")}").ConfigureAwait(false);
        }));

        var thumbprint = new Argument<string>("THUMBPRINT") { Description = "The certificate's SHA-1 thumbprint (as printed by import-cert)." };
        var revoke = new Command("revoke-cert", "Marks a certificate revoked; it is never used again.") { thumbprint, db, connection };
        revoke.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, db, connection, error, cancellationToken, async directory =>
        {
            if (!await directory.RevokeCertificateAsync(parseResult.GetValue(thumbprint)!, cancellationToken).ConfigureAwait(false))
            {
                throw new RecipientImportException("certificate", "No certificate with that thumbprint.");
            }

            await output.WriteLineAsync("certificate revoked").ConfigureAwait(false);
        }));

        return new Command("recipients", "Manages the secure send recipient directory (certificates, keys, portal, domain TLS).") { importCert, importPgp, list, enroll, domainTls, revoke };
    }

    private static async Task<int> RunAsync(ParseResult parseResult, Option<string> db, Option<string?> connection, TextWriter error, CancellationToken cancellationToken, Func<RecipientDirectory, Task> action)
    {
        var provider = parseResult.GetValue(db)!;
        var store = RecipientStore.Create(provider, parseResult.GetValue(connection) ?? StoreOptions.DefaultConnection(provider));
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await action(new RecipientDirectory(store, new SmimeCertificateImporter([], TimeProvider.System), TimeProvider.System)).ConfigureAwait(false);
            return CliApplication.Ok;
        }
        catch (RecipientImportException exception)
        {
            await error.WriteLineAsync($"{exception.Field}: {exception.Message}").ConfigureAwait(false);
            return CliApplication.Invalid;
        }
        catch (FileNotFoundException exception)
        {
            await error.WriteLineAsync($"file: {exception.Message}").ConfigureAwait(false);
            return CliApplication.Invalid;
        }
    }
}
