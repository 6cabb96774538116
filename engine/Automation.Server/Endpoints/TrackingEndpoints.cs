using Automation.Activities.SecureSend.Tracking;
using Automation.Engine.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Endpoints;

/// <summary>
/// The public tracking endpoints (no sign-in; the signed token is the credential): the open pixel and the click
/// redirect. Tokens carry only the message id (and link index); the patient is looked up server-side.
/// </summary>
internal static partial class TrackingEndpoints
{
    /// <summary>A transparent 1x1 GIF.</summary>
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    public static IEndpointRouteBuilder MapTrackingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/t").AllowAnonymous().WithTags("Tracking").ExcludeFromDescription();
        group.MapMethods("/o/{token}", ["GET", "HEAD"], OpenAsync).WithName("TrackOpen");
        group.MapMethods("/c/{token}", ["GET", "HEAD"], ClickAsync).WithName("TrackClick");
        return app;
    }

    /// <summary>Always the pixel, whatever the token, so the endpoint tells nobody whether a token is genuine.</summary>
    private static async Task<FileContentHttpResult> OpenAsync(
        string token, HttpContext http, [FromServices] TrackingTokens tokens, [FromServices] EngagementRecorder recorder, [FromServices] TimeProvider clock,
        [FromServices] ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store, no-cache, must-revalidate, max-age=0";
        if (tokens.ReadMessage(TrackingTokens.OpenPurpose, token, out var messageId) == TokenVerdict.Valid)
        {
            try
            {
                await recorder.RecordAsync(Request(http, messageId, EngagementTypes.Open, clock), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A lost open must not turn into a broken image in the patient's inbox.
                LogRecordFailed(loggers.CreateLogger(typeof(TrackingEndpoints)), messageId, exception.GetType().Name);
            }
        }

        return TypedResults.File(Pixel, "image/gif");
    }

    /// <summary>Redirects only to the URL recorded for the token's message and link index; anything else is 404. Nothing
    /// from the request but the token is used, so the endpoint cannot be made an open redirect.</summary>
    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> ClickAsync(
        string token, HttpContext http, [FromServices] TrackingTokens tokens, [FromServices] ITrackingStore store, [FromServices] EngagementRecorder recorder,
        [FromServices] TimeProvider clock, CancellationToken cancellationToken)
    {
        if (tokens.ReadClick(token, out var messageId, out var index) != TokenVerdict.Valid
            || await store.GetMessageAsync(messageId, cancellationToken).ConfigureAwait(false) is not { } message
            || index < 0 || index >= message.Links.Count
            || !Uri.TryCreate(message.Links[index], UriKind.Absolute, out var target)
            || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Link not found", detail: "This link is not valid.");
        }

        await recorder.RecordAsync(Request(http, messageId, EngagementTypes.Click, clock), cancellationToken).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Redirect(target.AbsoluteUri);
    }

    internal static EngagementRequest Request(HttpContext http, string messageId, string type, TimeProvider clock) =>
        new(messageId, type, clock.GetUtcNow(), http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            http.Connection.RemoteIpAddress, http.Request.Method);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Recording an open of message {MessageId} failed: {ExceptionType}")]
    private static partial void LogRecordFailed(ILogger logger, string messageId, string exceptionType);
}
