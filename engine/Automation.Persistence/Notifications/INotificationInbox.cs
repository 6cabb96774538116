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

    /// <summary>Marks several notifications processed in one transaction (the processor's batch).</summary>
    /// <param name="outcomes">Each notification's id and, when it could not be acted on, why.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task CompleteAsync(IReadOnlyList<NotificationOutcome> outcomes, DateTimeOffset at, CancellationToken cancellationToken = default);

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

    /// <summary>Records a batch of notifications in one transaction (the endpoint's group commit): locks the named
    /// subscriptions' state rows (so two server nodes never interleave their updates), hands their stored states to
    /// <paramref name="plan"/>, then inserts the planned events (those whose dedupe key is already stored are ignored)
    /// and stores the planned states before committing.</summary>
    /// <param name="subscriptions">The subscriptions the batch touches.</param>
    /// <param name="plan">Decides the events and new states from the stored states (a state that does not exist yet is
    /// passed as a fresh <see cref="SubscriptionState"/>). Called once, inside the transaction; must not do I/O.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>For each planned event in order, whether it was new (<c>false</c>: a duplicate, dropped).</returns>
    Task<IReadOnlyList<bool>> AcceptAsync(
        IReadOnlyCollection<string> subscriptions, Func<IReadOnlyDictionary<string, SubscriptionState>, NotificationIntakePlan> plan, CancellationToken cancellationToken = default);
}

/// <summary>What a batch of notifications writes: the events to queue and the subscriptions' new states.</summary>
/// <param name="Notifications">The events, in order.</param>
/// <param name="States">The updated states (one per subscription touched).</param>
public sealed record NotificationIntakePlan(IReadOnlyList<FhirNotification> Notifications, IReadOnlyList<SubscriptionState> States);

/// <summary>How processing one notification ended.</summary>
/// <param name="Id">The notification's row id.</param>
/// <param name="Error">Why it could not be acted on, or <c>null</c> on success (no patient data).</param>
public sealed record NotificationOutcome(string Id, string? Error);
