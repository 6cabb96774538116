using Automation.Engine.Outbox;

namespace Automation.Persistence.Shared;

/// <summary>How both stores keep outbox rows. <c>available_at</c> is the due time of a pending row: the epoch for a
/// new message, the lease end while claimed, the retry time after a transient failure.</summary>
internal static class OutboxRows
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Dead = "dead";

    /// <summary>New messages are due at once, whatever the caller's clock says.</summary>
    public static readonly DateTimeOffset DueNow = DateTimeOffset.UnixEpoch;

    /// <summary>The row update a result asks for: the new status, a new due time (retries), and the error to keep.</summary>
    public static (string Status, DateTimeOffset? AvailableAt, string? Error) Update(OutboxResult result) => result switch
    {
        OutboxResult.DoneResult => (Done, null, null),
        OutboxResult.RetryResult retry => (Pending, retry.At, Truncate(retry.Reason)),
        OutboxResult.DeadResult dead => (Dead, null, Truncate(dead.Reason)),
        _ => throw new ArgumentException($"Unknown outbox result {result?.GetType().Name ?? "null"}.", nameof(result)),
    };

    public static void Validate(IReadOnlyList<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"Outbox message {i} is null.", nameof(messages));
            if (string.IsNullOrEmpty(message.Id) || string.IsNullOrEmpty(message.Topic) || message.Payload is null)
            {
                throw new ArgumentException($"Outbox message {i} needs an Id, a Topic and a Payload.", nameof(messages));
            }
        }
    }

    private static string? Truncate(string? reason) => reason is { Length: > 2000 } ? reason[..2000] : reason;
}
