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
        string name, HttpRequest request, IConfiguration configuration, INotificationInbox inbox, NotificationSignal signal,
        SubscriptionGates gates, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
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

        var now = time.GetUtcNow();

        // Concurrent notifications of one subscription update its state (last event, gaps) one at a time; the gate keeps
        // the state in memory, so a request costs one transaction (events + state), not a read and two writes.
        var gate = gates.For(name);
        await gate.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            gate.State ??= await inbox.GetStateAsync(name, cancellationToken).ConfigureAwait(false) ?? new SubscriptionState { Subscription = name };
            var (result, state) = await AcceptAsync(name, gate.State, notification, inbox, signal, logger, now, body, cancellationToken).ConfigureAwait(false);
            gate.State = state;
            return result;
        }
        catch
        {
            gate.State = null; // unknown whether the transaction committed: read the stored state next time
            throw;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private static async Task<(IResult Result, SubscriptionState State)> AcceptAsync(
        string name, SubscriptionState state, SubscriptionNotification notification, INotificationInbox inbox, NotificationSignal signal, ILogger logger,
        DateTimeOffset now, byte[] body, CancellationToken cancellationToken)
    {
        state = state with { Status = notification.Status ?? state.Status, Topic = notification.Topic ?? state.Topic, LastSeenAt = now };
        var events = new List<FhirNotification>();
        if (notification.ClassicResource is { } resource)
        {
            var key = $"resource:{resource.TypeName}/{resource.Id}/{resource.Meta?.VersionId ?? Hash(body)}";
            events.Add(Event(name, key, $"{resource.TypeName}/{resource.Id}", SubscriptionNotification.Serialize(resource), now));
        }

        foreach (var @event in notification.Events.OrderBy(e => e.Number))
        {
            var gaps = EventGaps.Parse(state.Gaps);
            if (@event.Number <= state.LastEventNumber)
            {
                gaps.Remove(@event.Number); // arrived late, out of order: no longer missing
            }
            else if (@event.Number > state.LastEventNumber + 1 && state.LastEventNumber > 0)
            {
                gaps.Add(state.LastEventNumber + 1, @event.Number - 1);
                LogGap(logger, name, $"{state.LastEventNumber + 1}-{@event.Number - 1}");
            }

            state = state with { LastEventNumber = Math.Max(state.LastEventNumber, @event.Number), Gaps = gaps.ToString() };
            if (notification.Kind == SubscriptionNotification.EventNotification)
            {
                events.Add(Event(name, "event:" + @event.Number, @event.Focus, @event.ResourceJson, now));
            }
        }

        var accepted = await inbox.AcceptAsync(state, events, cancellationToken).ConfigureAwait(false);
        if (accepted > 0)
        {
            signal.Raise();
        }

        LogReceived(logger, name, notification.Kind, accepted);
        return (TypedResults.Ok(new NotificationReceipt(notification.Kind, accepted)), state);
    }

    private static FhirNotification Event(string name, string key, string? focus, string? resource, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Subscription = name,
        DedupeKey = key,
        Focus = focus,
        ResourceJson = resource,
        ReceivedAt = now,
    };

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

    private static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body))[..16];

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Notification for subscription {Subscription} refused: bad credentials")]
    private static partial void LogRejected(ILogger logger, string subscription);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Subscription {Subscription} skipped event numbers {Missing}")]
    private static partial void LogGap(ILogger logger, string subscription, string missing);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Subscription {Subscription} {Kind}: {Accepted} new events")]
    private static partial void LogReceived(ILogger logger, string subscription, string kind, int accepted);
}

/// <summary>The gates of this server's subscriptions (a singleton: the state they hold belongs to this server's store).</summary>
internal sealed class SubscriptionGates
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SubscriptionGate> gates = new(StringComparer.Ordinal);

    public SubscriptionGate For(string subscription) => gates.GetOrAdd(subscription, _ => new SubscriptionGate());
}

/// <summary>Serializes one subscription's notifications in this process and holds its current state.</summary>
internal sealed class SubscriptionGate
{
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public SubscriptionState? State { get; set; }
}

/// <summary>What the endpoint did with a notification.</summary>
internal sealed record NotificationReceipt(string Kind, int Accepted);
