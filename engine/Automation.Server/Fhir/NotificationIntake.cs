using System.Security.Cryptography;
using Automation.Engine.Persistence;
using Automation.Persistence.Notifications;

namespace Automation.Server.Fhir;

/// <summary>
/// Writes received notifications to the durable inbox with group commit: requests that arrive while a transaction is
/// being written wait together and go into the next one, so N concurrent senders cost one transaction (one WAL sync on
/// SQLite, one round trip pair on PostgreSQL) instead of N. Each caller's task completes only after the transaction
/// holding its events has committed, so a 2xx still means durable. The subscription state (last event number, gaps)
/// is read and updated inside that transaction under the inbox's row lock, which keeps it right across server nodes.
/// </summary>
internal sealed partial class NotificationIntake
{
    // Bounds one transaction's size (and so the wait of the last request in it).
    private const int MaxBatch = 256;

    private readonly INotificationInbox inbox;
    private readonly NotificationSignal signal;
    private readonly ILogger<NotificationIntake> logger;
    private readonly RequestCoalescer<Arrival, NotificationReceipt> transactions;

    public NotificationIntake(INotificationInbox inbox, NotificationSignal signal, ILogger<NotificationIntake> logger)
    {
        this.inbox = inbox;
        this.signal = signal;
        this.logger = logger;

        // A failed transaction committed nothing; its notifications are retried one by one, so only a bad one gets a 5xx.
        transactions = new RequestCoalescer<Arrival, NotificationReceipt>(AcceptBatchAsync, MaxBatch);
    }

    /// <summary>Queues the notification for the next transaction and completes once it has committed.</summary>
    public Task<NotificationReceipt> AcceptAsync(string subscription, SubscriptionNotification notification, byte[] body, DateTimeOffset receivedAt)
    {
        var classicKey = notification.ClassicResource is { } resource
            ? $"resource:{resource.TypeName}/{resource.Id}/{resource.Meta?.VersionId ?? Convert.ToHexStringLower(SHA256.HashData(body))[..16]}"
            : null;
        return transactions.ExecuteAsync(new Arrival(subscription, notification, classicKey, receivedAt));
    }

    private async Task<IReadOnlyList<NotificationReceipt>> AcceptBatchAsync(IReadOnlyList<Arrival> batch, CancellationToken cancellationToken)
    {
        var owners = new List<Arrival>();
        var subscriptions = batch.Select(a => a.Subscription).Distinct(StringComparer.Ordinal).ToList();
        var accepted = await inbox.AcceptAsync(subscriptions, states => Plan(batch, states, owners), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < accepted.Count; i++)
        {
            if (accepted[i])
            {
                owners[i].Accepted++;
            }
        }

        if (accepted.Contains(true))
        {
            signal.Raise();
        }

        foreach (var arrival in batch)
        {
            LogReceived(logger, arrival.Subscription, arrival.Notification.Kind, arrival.Accepted);
        }

        return [.. batch.Select(arrival => new NotificationReceipt(arrival.Notification.Kind, arrival.Accepted))];
    }

    // Runs inside the transaction with the stored states: applies the batch's notifications in arrival order.
    private NotificationIntakePlan Plan(IReadOnlyList<Arrival> batch, IReadOnlyDictionary<string, SubscriptionState> stored, List<Arrival> owners)
    {
        owners.Clear();
        var states = new Dictionary<string, SubscriptionState>(stored, StringComparer.Ordinal);
        var events = new List<FhirNotification>();
        foreach (var arrival in batch)
        {
            arrival.Accepted = 0;
            var (name, notification, now) = (arrival.Subscription, arrival.Notification, arrival.ReceivedAt);
            var state = states[name] with { Status = notification.Status ?? states[name].Status, Topic = notification.Topic ?? states[name].Topic, LastSeenAt = now };
            if (notification.ClassicResource is { } resource)
            {
                events.Add(Event(name, arrival.ClassicKey!, $"{resource.TypeName}/{resource.Id}", SubscriptionNotification.Serialize(resource), now));
                owners.Add(arrival);
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
                    owners.Add(arrival);
                }
            }

            states[name] = state;
        }

        return new NotificationIntakePlan(events, [.. states.Values]);
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

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Subscription {Subscription} skipped event numbers {Missing}")]
    private static partial void LogGap(ILogger logger, string subscription, string missing);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Subscription {Subscription} {Kind}: {Accepted} new events")]
    private static partial void LogReceived(ILogger logger, string subscription, string kind, int accepted);

    private sealed class Arrival(string subscription, SubscriptionNotification notification, string? classicKey, DateTimeOffset receivedAt)
    {
        public string Subscription { get; } = subscription;

        public SubscriptionNotification Notification { get; } = notification;

        public string? ClassicKey { get; } = classicKey;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public int Accepted { get; set; }
    }
}

/// <summary>What the endpoint did with a notification.</summary>
internal sealed record NotificationReceipt(string Kind, int Accepted);
