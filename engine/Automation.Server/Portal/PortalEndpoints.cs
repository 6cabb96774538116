using System.Security.Claims;
using Automation.Activities.SecureSend.Portal;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Portal;

/// <summary>
/// The pickup pages (public, the link token is the only key; nothing about the patient in any URL) and the sender's
/// retraction API. Pages follow post/redirect/get; between steps the browser holds HttpOnly, SameSite=Strict cookies
/// scoped to the link's path and signed for the message (see <see cref="PortalPickup"/>).
/// </summary>
internal static class PortalEndpoints
{
    public const string AntiforgeryCookie = "portal_af";
    public const string IdentityCookie = "portal_identity";
    public const string SessionCookie = "portal_session";

    // The page must not be cached, framed, or leak the link (which is in the URL) through the Referer header.
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder app)
    {
        // Resolved now so that invalid portal settings stop the start with every problem listed.
        app.ServiceProvider.GetRequiredService<PortalOptions>();

        var pages = app.MapGroup("/portal").ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            headers["Referrer-Policy"] = "no-referrer";
            headers["X-Content-Type-Options"] = "nosniff";
            headers["X-Frame-Options"] = "DENY";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return await next(context).ConfigureAwait(false);
        });
        pages.MapGet("/{token}", OpenAsync).WithName("PortalOpen");
        // Antiforgery is checked by the handlers themselves, so a refused post gets a page that says what to do.
        pages.MapPost("/{token}", SubmitBirthDateAsync).DisableAntiforgery().WithName("PortalBirthDate");
        pages.MapGet("/{token}/code", ShowCodeFormAsync).WithName("PortalCodeForm");
        pages.MapPost("/{token}/code", SubmitCodeAsync).DisableAntiforgery().WithName("PortalCode");
        pages.MapGet("/{token}/message", ReadAsync).WithName("PortalMessage");

        app.MapGroup("/api/portal").WithTags("Portal")
            .MapPost("/messages/{messageId}/retract", RetractAsync).RequireAuthorization(Policies.EditWorkflows).WithName("RetractPortalMessage");
        return app;
    }

    private static async Task<IResult> OpenAsync(string token, HttpContext http, PortalPickup pickup, IAntiforgery antiforgery, CancellationToken cancellationToken) =>
        Render(http, antiforgery, token, await pickup.OpenAsync(token, cancellationToken).ConfigureAwait(false));

    private static async Task<IResult> SubmitBirthDateAsync(string token, HttpContext http, PortalPickup pickup, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ReadFormAsync(http, antiforgery, "birthDate", cancellationToken).ConfigureAwait(false) is not { } birthDate)
        {
            return FormRefused();
        }

        var step = await pickup.SubmitBirthDateAsync(token, birthDate, cancellationToken).ConfigureAwait(false);
        if (step is { Page: PortalPage.Code, SessionToken: { } identity })
        {
            SetCookie(http, token, IdentityCookie, identity, step.SessionLifetime);
            return Results.Redirect(PathOf(token) + "/code", preserveMethod: false);
        }

        return Render(http, antiforgery, token, step);
    }

    private static async Task<IResult> ShowCodeFormAsync(string token, HttpContext http, PortalPickup pickup, IAntiforgery antiforgery, CancellationToken cancellationToken) =>
        Render(http, antiforgery, token, await pickup.ShowCodeFormAsync(token, http.Request.Cookies[IdentityCookie], cancellationToken).ConfigureAwait(false));

    private static async Task<IResult> SubmitCodeAsync(string token, HttpContext http, PortalPickup pickup, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (await ReadFormAsync(http, antiforgery, "code", cancellationToken).ConfigureAwait(false) is not { } code)
        {
            return FormRefused();
        }

        var step = await pickup.SubmitCodeAsync(token, http.Request.Cookies[IdentityCookie], code, cancellationToken).ConfigureAwait(false);
        if (step is { Page: PortalPage.Message, SessionToken: { } session })
        {
            DeleteCookie(http, token, IdentityCookie);
            SetCookie(http, token, SessionCookie, session, step.SessionLifetime);
            return Results.Redirect(PathOf(token) + "/message", preserveMethod: false);
        }

        return Render(http, antiforgery, token, step);
    }

    private static async Task<IResult> ReadAsync(string token, HttpContext http, PortalPickup pickup, IAntiforgery antiforgery, CancellationToken cancellationToken) =>
        Render(http, antiforgery, token, await pickup.ReadAsync(token, http.Request.Cookies[SessionCookie], cancellationToken).ConfigureAwait(false));

    private static async Task<Results<NoContent, ProblemHttpResult>> RetractAsync(string messageId, ClaimsPrincipal user, PortalMailbox mailbox, CancellationToken cancellationToken)
    {
        var actor = user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
        return await mailbox.RetractAsync(messageId, actor, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No portal message '{messageId}' to retract (messageId): unknown or already retracted.");
    }

    /// <summary>The field's value when the post is a form carrying a valid antiforgery token (empty when the field is
    /// missing), or <c>null</c> when the post must be refused.</summary>
    private static async Task<string?> ReadFormAsync(HttpContext http, IAntiforgery antiforgery, string field, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return null;
        }

        var form = await http.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        return form[field].ToString();
    }

    private static IResult FormRefused() =>
        Results.Content(PortalPages.FormRefused(), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static IResult Render(HttpContext http, IAntiforgery antiforgery, string token, PortalStep step)
    {
        var (html, status) = step.Page switch
        {
            PortalPage.BirthDate => (Form(http, antiforgery, PathOf(token), step, PortalPages.BirthDate), StatusCodes.Status200OK),
            PortalPage.Code => (Form(http, antiforgery, PathOf(token) + "/code", step, PortalPages.Code), StatusCodes.Status200OK),
            PortalPage.Message when step.Content is { } content => (PortalPages.Message(content), StatusCodes.Status200OK),
            PortalPage.Expired or PortalPage.Retracted => (PortalPages.Stop(step), StatusCodes.Status410Gone),
            PortalPage.Locked => (PortalPages.Stop(step), StatusCodes.Status423Locked),
            _ => (PortalPages.Stop(step), StatusCodes.Status404NotFound),
        };
        if (step.Page is not (PortalPage.Code or PortalPage.Message))
        {
            // Back at the start (or stopped): whatever this browser held for the link is void.
            DeleteCookie(http, token, IdentityCookie);
            DeleteCookie(http, token, SessionCookie);
        }

        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private static string Form(HttpContext http, IAntiforgery antiforgery, string action, PortalStep step, Func<string, string, string, PortalStep, string> page)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return page(action, tokens.FormFieldName, tokens.RequestToken!, step);
    }

    private static string PathOf(string token) => "/portal/" + Uri.EscapeDataString(token);

    private static void SetCookie(HttpContext http, string token, string name, string value, TimeSpan? lifetime) =>
        http.Response.Cookies.Append(name, value, CookieOptions(http, token, lifetime));

    private static void DeleteCookie(HttpContext http, string token, string name)
    {
        if (http.Request.Cookies.ContainsKey(name))
        {
            http.Response.Cookies.Delete(name, CookieOptions(http, token, null));
        }
    }

    private static CookieOptions CookieOptions(HttpContext http, string token, TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = PathOf(token),
        MaxAge = lifetime,
        IsEssential = true,
    };
}
