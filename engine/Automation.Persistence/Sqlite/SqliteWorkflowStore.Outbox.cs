using Automation.Engine.Outbox;
using Automation.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Sqlite;

/// <summary>The outbox half of the SQLite store: messages arrive with commits (same transaction) or
/// <see cref="EnqueueAsync"/>; claims lease rows by moving their due time to the lease end.</summary>
public sealed partial class SqliteWorkflowStore : IOutboxStore
{
    internal const string InsertOutboxSql = """
        INSERT INTO outbox (id, topic, payload, instance_id, status, attempts, available_at, created_at)
        VALUES ($id, $topic, $payload, $instanceId, 'pending', 0, $availableAt, $createdAt)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <inheritdoc />
    public async Task EnqueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        OutboxRows.Validate(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        using (var writer = new SqliteCommitWriter(connection, transaction, _codec))
        {
            await writer.WriteOutboxAsync(messages, "", DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxItem>> ClaimAsync(int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var claimed = new List<(long Seq, OutboxItem Item)>();
        await using (var claim = Command(connection, transaction, """
            UPDATE outbox SET available_at = $lease, attempts = attempts + 1
            WHERE seq IN (SELECT seq FROM outbox WHERE status = 'pending' AND available_at <= $now ORDER BY seq LIMIT $max)
            RETURNING seq, id, topic, payload, instance_id, attempts, created_at
            """))
        {
            claim.Parameters.AddWithValue("$lease", StoreValues.ToUnixMicros(leaseUntil));
            claim.Parameters.AddWithValue("$now", StoreValues.ToUnixMicros(now));
            claim.Parameters.AddWithValue("$max", max);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add((reader.GetInt64(0), new OutboxItem(
                    reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), reader.GetString(4), reader.GetInt32(5), StoreValues.FromUnixMicros(reader.GetInt64(6)))));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var update = Command(connection, transaction, """
            UPDATE outbox SET status = $status, available_at = coalesce($availableAt, available_at), last_error = coalesce($error, last_error),
                completed_at = CASE WHEN $status = 'pending' THEN NULL ELSE $now END
            WHERE id = $id AND status = 'pending'
            """))
        {
            var id = update.Parameters.Add(new SqliteParameter("$id", DBNull.Value));
            var status = update.Parameters.Add(new SqliteParameter("$status", DBNull.Value));
            var availableAt = update.Parameters.Add(new SqliteParameter("$availableAt", DBNull.Value));
            var error = update.Parameters.Add(new SqliteParameter("$error", DBNull.Value));
            update.Parameters.AddWithValue("$now", StoreValues.ToUnixMicros(now));
            update.Prepare();
            foreach (var (itemId, result) in results)
            {
                // Only pending rows change: done and dead are final, so a late answer from a relay whose lease lapsed
                // cannot reopen an item another relay finished.
                var (newStatus, due, reason) = OutboxRows.Update(result);
                id.Value = itemId;
                status.Value = newStatus;
                availableAt.Value = due is { } at ? StoreValues.ToUnixMicros(at) : DBNull.Value;
                error.Value = (object?)reason ?? DBNull.Value;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OutboxEntryState?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT id, topic, status, attempts, last_error, completed_at FROM outbox WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new OutboxEntryState(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : StoreValues.FromUnixMicros(reader.GetInt64(5)));
    }
}
