using Automation.Engine.Outbox;

namespace Automation.Activities.SecureSend.Tests.Support;

/// <summary>An outbox store in memory with real leases, standing in for the SQL stores (built elsewhere).</summary>
internal sealed class InMemoryOutboxStore : IOutboxStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, Row> rows = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    public Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var message in messages)
            {
                if (rows.TryAdd(message.Id, new Row(message, "")))
                {
                    order.Add(message.Id);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxItem>> ClaimAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var claimed = new List<OutboxItem>();
            foreach (var id in order)
            {
                var row = rows[id];
                if (claimed.Count >= max || row.Status != "pending" || row.DueAt > now || row.LeaseUntil > now)
                {
                    continue;
                }

                row.Attempts++;
                row.LeaseUntil = leaseUntil;
                claimed.Add(new OutboxItem(id, row.Message.Topic, row.Message.Payload, row.InstanceId, row.Attempts, now));
            }

            return Task.FromResult<IReadOnlyList<OutboxItem>>(claimed);
        }
    }

    public Task CompleteAsync(IReadOnlyList<(string Id, OutboxResult Result)> results, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            foreach (var (id, result) in results)
            {
                var row = rows[id];
                row.LeaseUntil = DateTimeOffset.MinValue;
                switch (result)
                {
                    case OutboxResult.DoneResult:
                        row.Status = "done";
                        row.CompletedAt = now;
                        break;
                    case OutboxResult.DeadResult dead:
                        row.Status = "dead";
                        row.LastError = dead.Reason;
                        row.CompletedAt = now;
                        break;
                    case OutboxResult.RetryResult retry:
                        row.DueAt = retry.At;
                        row.LastError = retry.Reason;
                        break;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<OutboxEntryState?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return Task.FromResult(rows.TryGetValue(id, out var row)
                ? new OutboxEntryState(id, row.Message.Topic, row.Status, row.Attempts, row.LastError, row.CompletedAt)
                : null);
        }
    }

    private sealed class Row(OutboxMessage message, string instanceId)
    {
        public OutboxMessage Message { get; } = message;

        public string InstanceId { get; } = instanceId;

        public string Status { get; set; } = "pending";

        public int Attempts { get; set; }

        public DateTimeOffset DueAt { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset LeaseUntil { get; set; } = DateTimeOffset.MinValue;

        public string? LastError { get; set; }

        public DateTimeOffset? CompletedAt { get; set; }
    }
}
