using System.Net;
using System.Text;
using Automation.Activities.Consent.Registry;
using Automation.Activities.Fhir.Sources;
using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Endpoints;

/// <summary>
/// The public unsubscribe and preference pages (no sign-in; the signed token is the credential, and carries only the
/// message id). <c>GET /u/{token}</c> asks for confirmation, <c>POST /u/{token}</c> (also RFC 8058 one-click) records
/// the opt-out at once; <c>GET|POST /p/{token}</c> shows and changes the channels and topics the patient allows. Pages
/// show no patient data.
/// </summary>
internal static class PreferenceEndpoints
{
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapPreferenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/u/{token}", ConfirmUnsubscribeAsync).AllowAnonymous().WithTags("Preferences").WithName("ConfirmUnsubscribe").ExcludeFromDescription();
        app.MapPost("/u/{token}", UnsubscribeAsync).AllowAnonymous().DisableAntiforgery().WithTags("Preferences").WithName("Unsubscribe").ExcludeFromDescription();
        app.MapGet("/p/{token}", ShowPreferencesAsync).AllowAnonymous().WithTags("Preferences").WithName("ShowPreferences").ExcludeFromDescription();
        app.MapPost("/p/{token}", SavePreferencesAsync).AllowAnonymous().DisableAntiforgery().WithTags("Preferences").WithName("SavePreferences").ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ConfirmUnsubscribeAsync(
        string token, [FromServices] TrackingTokens tokens, [FromServices] ITrackingStore store, CancellationToken cancellationToken)
    {
        var (message, problem) = await ResolveAsync(TrackingTokens.UnsubscribePurpose, token, tokens, store, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return Page("Unsubscribe", $"""
            <p>Stop receiving {Topic(message!.Purpose)} emails like this one?</p>
            <form method="post"><button type="submit">Unsubscribe</button></form>
            """);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> UnsubscribeAsync(
        string token, HttpContext http, [FromServices] TrackingTokens tokens, [FromServices] ITrackingStore store, [FromServices] ConsentRegistry registry,
        [FromServices] EngagementRecorder recorder, [FromServices] TimeProvider clock, CancellationToken cancellationToken)
    {
        var (message, problem) = await ResolveAsync(TrackingTokens.UnsubscribePurpose, token, tokens, store, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        // The body is either the page's empty form or RFC 8058's "List-Unsubscribe=One-Click": both mean the same.
        await registry.RecordAsync(message!.PatientId, message.Purpose, ConsentChannels.Email, ConsentRecordKind.OptOut, ConsentSources.UnsubscribeLink,
            "patient", message.MessageId, cancellationToken).ConfigureAwait(false);
        await recorder.RecordAsync(TrackingEndpoints.Request(http, message.MessageId, EngagementTypes.Unsubscribe, clock), cancellationToken).ConfigureAwait(false);
        return Page("Unsubscribed", $"<p>You will no longer receive {Topic(message.Purpose)} emails. Appointment and care reminders are not affected.</p>");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ShowPreferencesAsync(
        string token, [FromServices] TrackingTokens tokens, [FromServices] ITrackingStore store, [FromServices] ConsentRegistry registry,
        [FromServices] IPatientDataSource patients, CancellationToken cancellationToken)
    {
        var (message, problem) = await ResolveAsync(TrackingTokens.PreferencesPurpose, token, tokens, store, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var allowed = await AllowedAsync(message!.PatientId, registry, patients, cancellationToken).ConfigureAwait(false);
            return Page("Communication preferences", PreferenceForm(allowed, saved: false));
        }
        catch (FhirSourceException)
        {
            return Unavailable();
        }
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> SavePreferencesAsync(
        string token, HttpRequest request, [FromServices] TrackingTokens tokens, [FromServices] ITrackingStore store, [FromServices] ConsentRegistry registry,
        [FromServices] IPatientDataSource patients, CancellationToken cancellationToken)
    {
        var (message, problem) = await ResolveAsync(TrackingTokens.PreferencesPurpose, token, tokens, store, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Form expected",
                detail: "Send the preferences as application/x-www-form-urlencoded fields named <purpose>.<channel> (e.g. marketing.email=on).");
        }

        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<(string Purpose, string Channel), bool> current;
        try
        {
            current = await AllowedAsync(message!.PatientId, registry, patients, cancellationToken).ConfigureAwait(false);
        }
        catch (FhirSourceException)
        {
            // Without the patient's consents we cannot tell what changed: record nothing rather than guess.
            return Unavailable();
        }

        foreach (var ((purpose, channel), granted) in current)
        {
            var wanted = form.TryGetValue(purpose + "." + channel, out var value) && value.ToString() is "on" or "true" or "1";
            if (wanted != granted)
            {
                await registry.RecordAsync(message.PatientId, purpose, channel, wanted ? ConsentRecordKind.OptIn : ConsentRecordKind.OptOut,
                    ConsentSources.PreferencePage, "patient", message.MessageId, cancellationToken).ConfigureAwait(false);
            }
        }

        var saved = await AllowedAsync(message.PatientId, registry, patients, cancellationToken).ConfigureAwait(false);
        return Page("Communication preferences", PreferenceForm(saved, saved: true));
    }

    private static ProblemHttpResult Unavailable() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Preferences unavailable", detail: "Your preferences cannot be shown right now; please try again later.");

    /// <summary>What the patient allows now, per (purpose, channel), as the consent registry decides it.</summary>
    private static async Task<Dictionary<(string Purpose, string Channel), bool>> AllowedAsync(string patientId, ConsentRegistry registry, IPatientDataSource patients, CancellationToken cancellationToken)
    {
        var consents = (await patients.GetPatientContextAsync(patientId, cancellationToken).ConfigureAwait(false))?.Consents ?? [];
        var allowed = new Dictionary<(string, string), bool>();
        foreach (var purpose in ConsentPurposes.Known)
        {
            foreach (var channel in ConsentChannels.Concrete)
            {
                allowed[(purpose, channel)] = (await registry.CheckAsync(patientId, consents, purpose, channel, cancellationToken).ConfigureAwait(false)).Granted;
            }
        }

        return allowed;
    }

    private static async Task<(TrackedMessageRecord? Message, ProblemHttpResult? Problem)> ResolveAsync(
        string purpose, string token, TrackingTokens tokens, ITrackingStore store, CancellationToken cancellationToken)
    {
        switch (tokens.ReadMessage(purpose, token, out var messageId))
        {
            case TokenVerdict.Expired:
                return (null, TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Link expired", detail: "This link has expired."));
            case TokenVerdict.Valid:
                var message = await store.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false);
                return message is null
                    ? (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not found", detail: "This link is not valid."))
                    : (message, null);
            default:
                return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid link", detail: "This link is not valid."));
        }
    }

    private static string PreferenceForm(Dictionary<(string Purpose, string Channel), bool> allowed, bool saved)
    {
        var html = new StringBuilder();
        if (saved)
        {
            html.Append("<p role=\"status\">Your choices are saved. Choices recorded with your care team (for example in a signed consent) can only be changed there.</p>");
        }

        html.Append("<form method=\"post\"><table><tr><th>Topic</th>");
        foreach (var channel in ConsentChannels.Concrete)
        {
            html.Append("<th>").Append(channel == ConsentChannels.Email ? "Email" : "Text message").Append("</th>");
        }

        html.Append("</tr>");
        foreach (var purpose in ConsentPurposes.Known)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(TopicTitle(purpose))).Append("</td>");
            foreach (var channel in ConsentChannels.Concrete)
            {
                var name = purpose + "." + channel;
                html.Append("<td><input type=\"checkbox\" name=\"").Append(name).Append("\" aria-label=\"").Append(name).Append('"')
                    .Append(allowed[(purpose, channel)] ? " checked" : "").Append("></td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</table><button type=\"submit\">Save</button></form>").ToString();
    }

    private static string Topic(string purpose) => purpose == ConsentPurposes.Marketing ? "news and offers" : WebUtility.HtmlEncode(purpose);

    private static string TopicTitle(string purpose) => purpose switch
    {
        ConsentPurposes.Marketing => "News, offers and health programmes",
        ConsentPurposes.Treatment => "Appointment and care reminders",
        _ => purpose,
    };

    private static ContentHttpResult Page(string title, string body) => TypedResults.Content($"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><title>{title}</title></head>
        <body><main><h1>{title}</h1>
        {body}
        </main></body></html>
        """, Html);
}
