namespace Automation.Persistence.Notifications;

/// <summary>The durable inbox of FHIR subscription notifications: written before the sender gets its 2xx, processed
/// asynchronously, de-duplicated per subscription.</summary>
public interface INotificationInbox
{
    /// <summary>Creates the tables when missing. Idempotent.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a notification unless one with the same subscription and dedupe key exists.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>false</c> for a duplicate (dropped).</returns>
    Task<bool> TryEnqueueAsync(FhirNotification notification, CancellationToken cancellationToken = default);

    /// <summary>The oldest unprocessed notifications.</summary>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The notifications, oldest first.</returns>
    Task<IReadOnlyList<FhirNotification>> PendingAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Marks a notification processed, with the reason when it could not be acted on.</summary>
    /// <param name="id">The row id.</param>
    /// <param name="error">Why processing failed, or <c>null</c> on success (no patient data).</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task CompleteAsync(string id, string? error, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Reads a subscription's state.</summary>
    /// <param name="subscription">The name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The state, or <c>null</c> before anything arrived.</returns>
    Task<SubscriptionState?> GetStateAsync(string subscription, CancellationToken cancellationToken = default);

    /// <summary>Stores a subscription's state.</summary>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task SaveStateAsync(SubscriptionState state, CancellationToken cancellationToken = default);

    /// <summary>Every subscription's state, by name.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The states.</returns>
    Task<IReadOnlyList<SubscriptionState>> ListStatesAsync(CancellationToken cancellationToken = default);

    /// <summary>Records what one notification brought in a single transaction: the new events (those whose dedupe key
    /// is already stored are ignored) and the subscription's updated state. The endpoint's one round trip per request.</summary>
    /// <param name="state">The subscription state after this notification.</param>
    /// <param name="notifications">The events to queue.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many events were new.</returns>
    Task<int> AcceptAsync(SubscriptionState state, IReadOnlyList<FhirNotification> notifications, CancellationToken cancellationToken = default);
}
