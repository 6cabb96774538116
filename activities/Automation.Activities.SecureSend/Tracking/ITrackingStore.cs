namespace Automation.Activities.SecureSend.Tracking;

/// <summary>
/// The tracked-message store (table <c>tracked_messages</c>: message id to patient, instance, journey, purpose, link
/// targets, sent at) and the engagement event store (table <c>engagement_events</c>), on SQLite or PostgreSQL.
/// </summary>
public interface ITrackingStore
{
    /// <summary>Creates the tables and indexes when missing. Safe to call repeatedly.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Records a message. Idempotent by message id: the first record stays (the outbox may retry a send).</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>true</c> when stored, <c>false</c> when the id already existed.</returns>
    /// <exception cref="ArgumentException">A required field is empty; nothing is written.</exception>
    Task<bool> SaveMessageAsync(TrackedMessageRecord message, CancellationToken cancellationToken = default);

    /// <summary>Reads a message.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The message, or <c>null</c> when unknown.</returns>
    Task<TrackedMessageRecord?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Appends an engagement event.</summary>
    /// <param name="engagement">The event.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    /// <exception cref="ArgumentException">The type is unknown or a required field is empty; nothing is written.</exception>
    Task AddEventAsync(EngagementEvent engagement, CancellationToken cancellationToken = default);

    /// <summary>A message's events, oldest first.</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<EngagementEvent>> ListEventsAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>A patient's events at or after <paramref name="since"/>, oldest first (for behavioural segments).</summary>
    /// <param name="patientId">The patient id.</param>
    /// <param name="since">The earliest instant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<EngagementEvent>> ListPatientEventsAsync(string patientId, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a patient's tracked messages of one purpose recorded at or after <paramref name="since"/>, not counting
    /// <paramref name="exceptMessageId"/> (a retried send must not count itself). Used by the frequency cap.
    /// </summary>
    /// <param name="patientId">The patient id.</param>
    /// <param name="purpose">The purpose, compared case-insensitively.</param>
    /// <param name="since">The earliest instant.</param>
    /// <param name="exceptMessageId">A message id to leave out, or <c>null</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count.</returns>
    Task<int> CountMessagesAsync(string patientId, string purpose, DateTimeOffset since, string? exceptMessageId = null, CancellationToken cancellationToken = default);
}
