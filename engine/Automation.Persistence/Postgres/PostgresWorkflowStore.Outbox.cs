using Automation.Engine.Outbox;
using Automation.Persistence.Shared;
using Npgsql;
using static Automation.Persistence.Postgres.PostgresParameters;

namespace Automation.Persistence.Postgres;

/// <summary>The outbox half of the PostgreSQL store: claims use <c>FOR UPDATE SKIP LOCKED</c>, so relays in several
/// processes take disjoint batches; results are written with one <c>unnest</c> update.</summary>
public sealed partial class PostgresWorkflowStore : IOutboxStore
{
    /// <inheritdoc />
    public async Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        OutboxRows.Validate(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(PostgresCommitWriter.InsertOutbox([.. messages.Select(m => (m, "", now))]));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxItem>> ClaimAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var claim = Command(connection, null, """
            WITH due AS (
                SELECT seq FROM outbox WHERE status = 'pending' AND available_at <= $1
                ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET available_at = $2, attempts = o.attempts + 1
            FROM due WHERE o.seq = due.seq
            RETURNING o.seq, o.id, o.topic, o.payload, o.instance_id, o.attempts, o.created_at
            """, Time(now), Time(leaseUntil), Int(max));
        var claimed = new List<(long Seq, OutboxItem Item)>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add((reader.GetInt64(0), new OutboxItem(
                reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetString(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6))));
        }

        claimed.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return claimed.ConvertAll(c => c.Item);
    }

    /// <inheritdoc />
    public async Task CompleteAsync(IReadOnlyList<(string Id, OutboxResult Result)> results, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return;
        }

        var updates = results.Select(r => (r.Id, Update: OutboxRows.Update(r.Result))).ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Only pending rows change: done and dead are final, so a late answer from a relay whose lease lapsed cannot
        // reopen an item another relay finished.
        await using var update = Command(connection, null, """
            UPDATE outbox o SET status = u.status, available_at = coalesce(u.available_at, o.available_at),
                last_error = coalesce(u.error, o.last_error),
                completed_at = CASE WHEN u.status = 'pending' THEN NULL ELSE $5 END
            FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS u(id, status, available_at, error)
            WHERE o.id = u.id AND o.status = 'pending'
            """,
            TextArray([.. updates.Select(u => u.Id)]),
            TextArray([.. updates.Select(u => u.Update.Status)]),
            TimeArray([.. updates.Select(u => u.Update.AvailableAt)]),
            TextArray([.. updates.Select(u => u.Update.Error)]),
            Time(now));
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OutboxEntryState?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT id, topic, status, attempts, last_error, completed_at FROM outbox WHERE id = $1", Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new OutboxEntryState(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
    }
}
