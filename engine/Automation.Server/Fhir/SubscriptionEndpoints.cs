using System.Security.Cryptography;
using System.Text;
using Automation.Persistence.Notifications;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Fhir;

/// <summary>
/// The FHIR rest-hook endpoint: authenticates the sender with the subscription's secret (and HMAC when configured),
/// writes each event to the durable inbox (duplicates dropped, gaps recorded), answers 200, and leaves the rest to the
/// <see cref="NotificationProcessor"/>.
/// </summary>
internal static partial class SubscriptionEndpoints
{
    public static IEndpointRouteBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        // Public by design: FHIR servers cannot sign in; the subscription secret authenticates them instead.
        app.MapPost("/fhir/subscriptions/{name}", ReceiveAsync).AllowAnonymous().WithTags("FHIR").WithName("ReceiveFhirNotification");
        app.MapGet("/api/fhir/subscriptions", async (INotificationInbox inbox, CancellationToken cancellationToken) => TypedResults.Ok(await inbox.ListStatesAsync(cancellationToken).ConfigureAwait(false)))
            .RequireAuthorization(Policies.ReadWorkflows).WithTags("FHIR").WithName("ListFhirSubscriptions");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        string name, HttpRequest request, IConfiguration configuration, NotificationIntake intake, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Automation.Server.Fhir.Subscriptions");
        var settings = configuration.GetSection("Fhir:Subscriptions:" + name);
        var secret = settings["Secret"];
        if (string.IsNullOrEmpty(secret))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No subscription named '{name}' is configured.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var body = buffer.ToArray();
        if (!Authentic(request, secret, settings["HmacSecret"], body))
        {
            LogRejected(logger, name);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The notification's credentials do not match the subscription.");
        }

        var (notification, field, problem) = SubscriptionNotification.Parse(body);
        if (notification is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field!] = [problem!] });
        }

        var receipt = await intake.AcceptAsync(name, notification, body, time.GetUtcNow()).ConfigureAwait(false);
        return TypedResults.Ok(receipt);
    }

    // The secret travels as the Authorization header a FHIR server puts in channel.header; the HMAC covers the body.
    private static bool Authentic(HttpRequest request, string secret, string? hmacSecret, byte[] body)
    {
        if (!Same(request.Headers.Authorization.ToString(), "Bearer " + secret))
        {
            return false;
        }

        if (string.IsNullOrEmpty(hmacSecret))
        {
            return true;
        }

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(hmacSecret), body));
        return Same(request.Headers["X-Signature"].ToString(), expected);
    }

    private static bool Same(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Notification for subscription {Subscription} refused: bad credentials")]
    private static partial void LogRejected(ILogger logger, string subscription);
}
