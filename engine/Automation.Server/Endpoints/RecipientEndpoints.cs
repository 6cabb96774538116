using System.Security.Claims;
using Automation.Activities.SecureSend.Recipients;
using Automation.Engine.Audit;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Endpoints;

/// <summary>
/// The secure send recipient directory for administrators: S/MIME certificates, OpenPGP keys, portal enrolment and
/// per-domain TLS policy. Every change is audited as <c>config.change</c> with the thumbprint, key id or domain, never
/// the address.
/// </summary>
internal static class RecipientEndpoints
{
    public static IEndpointRouteBuilder MapRecipientEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/recipients").RequireAuthorization(Policies.Administer).WithTags("Recipients");
        group.MapGet("/", ListAsync).WithName("ListRecipients");
        group.MapPost("/certificates", ImportCertificateAsync).WithName("ImportRecipientCertificate");
        group.MapPost("/certificates/{thumbprint}/revoke", RevokeCertificateAsync).WithName("RevokeRecipientCertificate");
        group.MapPost("/pgp-keys", ImportPgpKeyAsync).WithName("ImportRecipientPgpKey");
        group.MapPost("/portal", EnrollPortalAsync).WithName("EnrollRecipientInPortal");
        group.MapPut("/domains/{domain}", SetDomainTlsAsync).WithName("SetRecipientDomainTls");
        return app;
    }

    private static async Task<Ok<RecipientList>> ListAsync(RecipientDirectory directory, CancellationToken cancellationToken)
    {
        var records = await directory.Store.ListAsync(cancellationToken).ConfigureAwait(false);
        var domains = await directory.Store.ListDomainsAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new RecipientList(
            [.. records.Select(r => new RecipientView(r.Address,
                [.. r.Certificates.Select(c => new CertificateView(c.Thumbprint, c.NotBefore, c.NotAfter, c.Revoked))],
                [.. r.PgpKeys.Select(k => new PgpKeyView(k.KeyId, k.ExpiresAt))], r.PortalEnrolled, r.DomainRequiresTls))],
            [.. domains.Select(d => new DomainView(d.Domain, d.RequireTls))]));
    }

    private static async Task<Results<Created<CertificateView>, ValidationProblem>> ImportCertificateAsync(
        ImportCertificateRequest request, RecipientDirectory directory, [FromServices] IAuditLog audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        byte[] data;
        if (string.IsNullOrWhiteSpace(request.Certificate))
        {
            return Invalid("certificate", "The certificate is required (PEM text or base64 DER).");
        }

        if (request.Certificate.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            data = System.Text.Encoding.ASCII.GetBytes(request.Certificate);
        }
        else
        {
            try
            {
                data = Convert.FromBase64String(request.Certificate);
            }
            catch (FormatException)
            {
                return Invalid("certificate", "The certificate is neither PEM nor base64 DER.");
            }
        }

        try
        {
            var entry = await directory.ImportCertificateAsync(data, request.Address, cancellationToken).ConfigureAwait(false);
            await AuditAsync(audit, user, "recipient.certificate.imported", new() { ["thumbprint"] = entry.Thumbprint }, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/recipients/certificates/{entry.Thumbprint}", new CertificateView(entry.Thumbprint, entry.NotBefore, entry.NotAfter, entry.Revoked));
        }
        catch (RecipientImportException exception)
        {
            return Invalid(exception.Field, exception.Message);
        }
    }

    private static async Task<Results<NoContent, NotFound>> RevokeCertificateAsync(
        string thumbprint, RecipientDirectory directory, [FromServices] IAuditLog audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!await directory.RevokeCertificateAsync(thumbprint, cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.NotFound();
        }

        await AuditAsync(audit, user, "recipient.certificate.revoked", new() { ["thumbprint"] = thumbprint.ToLowerInvariant() }, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<List<PgpKeyView>>, ValidationProblem>> ImportPgpKeyAsync(
        ImportPgpKeyRequest request, RecipientDirectory directory, [FromServices] IAuditLog audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.ArmoredKey))
        {
            return Invalid("armoredKey", "The armored public key is required.");
        }

        try
        {
            var entries = await directory.ImportPgpKeyAsync(request.ArmoredKey, request.Address, cancellationToken).ConfigureAwait(false);
            await AuditAsync(audit, user, "recipient.pgp.imported", new() { ["keyIds"] = string.Join(",", entries.Select(e => e.KeyId).Distinct()) }, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created("/api/recipients", entries.Select(e => new PgpKeyView(e.KeyId, e.ExpiresAt)).ToList());
        }
        catch (RecipientImportException exception)
        {
            return Invalid(exception.Field == "key" ? "armoredKey" : exception.Field, exception.Message);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem>> EnrollPortalAsync(
        EnrollPortalRequest request, RecipientDirectory directory, [FromServices] IAuditLog audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            var address = await directory.EnrollPortalAsync(request.Address ?? "", cancellationToken).ConfigureAwait(false);
            await AuditAsync(audit, user, "recipient.portal.enrolled", new() { ["domain"] = RecipientAddress.DomainOf(address) }, cancellationToken).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (RecipientImportException exception)
        {
            return Invalid(exception.Field, exception.Message);
        }
    }

    private static async Task<Results<Ok<DomainView>, ValidationProblem>> SetDomainTlsAsync(
        string domain, DomainTlsRequest request, RecipientDirectory directory, [FromServices] IAuditLog audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            var normalized = await directory.SetDomainTlsAsync(domain, request.RequireTls, cancellationToken).ConfigureAwait(false);
            await AuditAsync(audit, user, "recipient.domain.tls", new() { ["domain"] = normalized, ["requireTls"] = request.RequireTls ? "true" : "false" }, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new DomainView(normalized, request.RequireTls));
        }
        catch (RecipientImportException exception)
        {
            return Invalid(exception.Field, exception.Message);
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static Task AuditAsync(IAuditLog audit, ClaimsPrincipal user, string change, Dictionary<string, string> details, CancellationToken cancellationToken)
    {
        details["change"] = change;
        return audit.AppendAsync(new AuditEntry
        {
            Action = AuditActions.ConfigurationChange,
            Actor = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub") ?? "unknown",
            Result = "changed",
            Details = details,
        }, cancellationToken);
    }
}

/// <summary>Imports an S/MIME certificate.</summary>
/// <param name="Certificate">PEM text or base64 DER.</param>
/// <param name="Address">The address; omit to use the certificate's.</param>
internal sealed record ImportCertificateRequest(string? Certificate, string? Address);

/// <summary>Imports an OpenPGP key.</summary>
/// <param name="ArmoredKey">The armored public key block.</param>
/// <param name="Address">The address; omit to use the key's user ids.</param>
internal sealed record ImportPgpKeyRequest(string? ArmoredKey, string? Address);

/// <summary>Enrols an address in the portal.</summary>
/// <param name="Address">The address.</param>
internal sealed record EnrollPortalRequest(string? Address);

/// <summary>Sets a domain's TLS policy.</summary>
/// <param name="RequireTls">Require TLS 1.2+.</param>
internal sealed record DomainTlsRequest(bool RequireTls);

/// <summary>The directory.</summary>
internal sealed record RecipientList(List<RecipientView> Recipients, List<DomainView> Domains);

/// <summary>One address.</summary>
internal sealed record RecipientView(string Address, List<CertificateView> Certificates, List<PgpKeyView> PgpKeys, bool PortalEnrolled, bool DomainRequiresTls);

/// <summary>A certificate.</summary>
internal sealed record CertificateView(string Thumbprint, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool Revoked);

/// <summary>An OpenPGP key.</summary>
internal sealed record PgpKeyView(string KeyId, DateTimeOffset? ExpiresAt);

/// <summary>A domain's TLS policy.</summary>
internal sealed record DomainView(string Domain, bool RequireTls);
