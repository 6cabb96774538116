using Automation.Persistence.Notifications;
using Automation.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Sqlite;

/// <summary>The FHIR notification inbox in the embedded SQLite database.</summary>
public sealed class SqliteNotificationInbox : INotificationInbox
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS fhir_notifications (
            id TEXT PRIMARY KEY NOT NULL,
            subscription TEXT NOT NULL,
            dedupe_key TEXT NOT NULL,
            focus TEXT NULL,
            resource TEXT NULL,
            received_at INTEGER NOT NULL,
            processed_at INTEGER NULL,
            error TEXT NULL,
            UNIQUE (subscription, dedupe_key));
        CREATE INDEX IF NOT EXISTS ix_fhir_notifications_pending ON fhir_notifications (processed_at, received_at);
        CREATE TABLE IF NOT EXISTS fhir_subscriptions (
            subscription TEXT PRIMARY KEY NOT NULL,
            status TEXT NULL,
            topic TEXT NULL,
            last_event_number INTEGER NOT NULL,
            gaps TEXT NOT NULL,
            last_seen_at INTEGER NULL);
        """;

    private const string Columns = "id, subscription, dedupe_key, focus, resource, received_at";
    private const string StateColumns = "subscription, status, topic, last_event_number, gaps, last_seen_at";

    private const string InsertSql = $"INSERT INTO fhir_notifications ({Columns}) VALUES ($id, $subscription, $key, $focus, $resource, $at) ON CONFLICT (subscription, dedupe_key) DO NOTHING";

    private const string SaveStateSql = $"""
        INSERT INTO fhir_subscriptions ({StateColumns}) VALUES ($name, $status, $topic, $last, $gaps, $seen)
        ON CONFLICT (subscription) DO UPDATE SET status = excluded.status, topic = excluded.topic,
            last_event_number = excluded.last_event_number, gaps = excluded.gaps, last_seen_at = excluded.last_seen_at
        """;

    private readonly SqliteCommands db;

    /// <summary>Creates the inbox.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    public SqliteNotificationInbox(string connectionString) => db = new SqliteCommands(SqliteCommands.Prepare(connectionString));

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => db.ExecuteAsync(Schema, null, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryEnqueueAsync(FhirNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return await db.ExecuteAsync(InsertSql, c => BindNotification(c, notification), cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<bool>> AcceptAsync(
        IReadOnlyCollection<string> subscriptions, Func<IReadOnlyDictionary<string, SubscriptionState>, NotificationIntakePlan> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(plan);

        // BEGIN IMMEDIATE takes the database's write lock first, so the states read here stay current until the commit,
        // also against another process on the same file.
        return db.InTransactionAsync<IReadOnlyList<bool>>(async (connection, transaction) =>
        {
            var states = new Dictionary<string, SubscriptionState>(StringComparer.Ordinal);
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = $"SELECT {StateColumns} FROM fhir_subscriptions WHERE subscription = $name";
                var name = read.Parameters.Add("$name", SqliteType.Text);
                foreach (var subscription in subscriptions)
                {
                    name.Value = subscription;
                    await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    states[subscription] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadState(reader) : new SubscriptionState { Subscription = subscription };
                }
            }

            var planned = plan(states);
            var accepted = new bool[planned.Notifications.Count];
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = InsertSql;
                for (var i = 0; i < accepted.Length; i++)
                {
                    insert.Parameters.Clear();
                    BindNotification(insert, planned.Notifications[i]);
                    accepted[i] = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            }

            await using var save = connection.CreateCommand();
            save.Transaction = transaction;
            save.CommandText = SaveStateSql;
            foreach (var state in planned.States)
            {
                save.Parameters.Clear();
                BindState(save, state);
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return accepted;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FhirNotification>> PendingAsync(int max, CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {Columns} FROM fhir_notifications WHERE processed_at IS NULL ORDER BY received_at, id LIMIT $max",
            c => c.Parameters.AddWithValue("$max", max), Read, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task CompleteAsync(string id, string? error, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.ExecuteAsync("UPDATE fhir_notifications SET processed_at = $at, error = $error WHERE id = $id", c =>
        {
            c.Parameters.AddWithValue("$id", id);
            c.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            c.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(at));
        }, cancellationToken);

    /// <inheritdoc />
    public Task CompleteAsync(IReadOnlyList<NotificationOutcome> outcomes, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return db.InTransactionAsync(async (connection, transaction) =>
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE fhir_notifications SET processed_at = $at, error = $error WHERE id = $id";
            var id = update.Parameters.Add("$id", SqliteType.Text);
            var error = update.Parameters.Add("$error", SqliteType.Text);
            update.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(at));
            foreach (var outcome in outcomes)
            {
                id.Value = outcome.Id;
                error.Value = (object?)outcome.Error ?? DBNull.Value;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return outcomes.Count;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SubscriptionState?> GetStateAsync(string subscription, CancellationToken cancellationToken = default) =>
        (await db.QueryAsync($"SELECT {StateColumns} FROM fhir_subscriptions WHERE subscription = $name",
            c => c.Parameters.AddWithValue("$name", subscription), ReadState, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task SaveStateAsync(SubscriptionState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return db.ExecuteAsync(SaveStateSql, c => BindState(c, state), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubscriptionState>> ListStatesAsync(CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {StateColumns} FROM fhir_subscriptions ORDER BY subscription", null, ReadState, cancellationToken).ConfigureAwait(false);

    private static void BindNotification(SqliteCommand c, FhirNotification notification)
    {
        c.Parameters.AddWithValue("$id", notification.Id);
        c.Parameters.AddWithValue("$subscription", notification.Subscription);
        c.Parameters.AddWithValue("$key", notification.DedupeKey);
        c.Parameters.AddWithValue("$focus", (object?)notification.Focus ?? DBNull.Value);
        c.Parameters.AddWithValue("$resource", (object?)notification.ResourceJson ?? DBNull.Value);
        c.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(notification.ReceivedAt));
    }

    private static void BindState(SqliteCommand c, SubscriptionState state)
    {
        c.Parameters.AddWithValue("$name", state.Subscription);
        c.Parameters.AddWithValue("$status", (object?)state.Status ?? DBNull.Value);
        c.Parameters.AddWithValue("$topic", (object?)state.Topic ?? DBNull.Value);
        c.Parameters.AddWithValue("$last", state.LastEventNumber);
        c.Parameters.AddWithValue("$gaps", state.Gaps);
        c.Parameters.AddWithValue("$seen", state.LastSeenAt is { } seen ? StoreValues.ToUnixMicros(seen) : DBNull.Value);
    }

    private static FhirNotification Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), Subscription = r.GetString(1), DedupeKey = r.GetString(2),
        Focus = r.IsDBNull(3) ? null : r.GetString(3), ResourceJson = r.IsDBNull(4) ? null : r.GetString(4),
        ReceivedAt = StoreValues.FromUnixMicros(r.GetInt64(5)),
    };

    private static SubscriptionState ReadState(SqliteDataReader r) => new()
    {
        Subscription = r.GetString(0), Status = r.IsDBNull(1) ? null : r.GetString(1), Topic = r.IsDBNull(2) ? null : r.GetString(2),
        LastEventNumber = r.GetInt64(3), Gaps = r.GetString(4), LastSeenAt = r.IsDBNull(5) ? null : StoreValues.FromUnixMicros(r.GetInt64(5)),
    };
}
