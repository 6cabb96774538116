using Automation.Persistence.Notifications;
using Npgsql;
using static Automation.Persistence.Postgres.PostgresCommands;

namespace Automation.Persistence.Postgres;

/// <summary>The FHIR notification inbox in PostgreSQL.</summary>
public sealed class PostgresNotificationInbox : INotificationInbox, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS fhir_notifications (
            id text PRIMARY KEY,
            subscription text NOT NULL,
            dedupe_key text NOT NULL,
            focus text NULL,
            resource text NULL,
            received_at timestamptz NOT NULL,
            processed_at timestamptz NULL,
            error text NULL,
            UNIQUE (subscription, dedupe_key));
        CREATE INDEX IF NOT EXISTS ix_fhir_notifications_pending ON fhir_notifications (received_at) WHERE processed_at IS NULL;
        CREATE TABLE IF NOT EXISTS fhir_subscriptions (
            subscription text PRIMARY KEY,
            status text NULL,
            topic text NULL,
            last_event_number bigint NOT NULL,
            gaps text NOT NULL,
            last_seen_at timestamptz NULL);
        """;

    private const string Columns = "id, subscription, dedupe_key, focus, resource, received_at";
    private const string StateColumns = "subscription, status, topic, last_event_number, gaps, last_seen_at";

    private const string SaveStateSql = $"""
        INSERT INTO fhir_subscriptions ({StateColumns}) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (subscription) DO UPDATE SET status = excluded.status, topic = excluded.topic,
            last_event_number = excluded.last_event_number, gaps = excluded.gaps, last_seen_at = excluded.last_seen_at
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresCommands db;
    private readonly bool ownsDataSource;

    /// <summary>Creates the inbox with a connection pool of its own.</summary>
    /// <param name="connectionString">An Npgsql connection string (its search path selects the schema).</param>
    public PostgresNotificationInbox(string connectionString)
        : this(NpgsqlDataSource.Create(connectionString ?? throw new ArgumentNullException(nameof(connectionString))))
    {
        ownsDataSource = true;
    }

    /// <summary>Creates the inbox on a connection pool it shares with other stores; the caller disposes the pool.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    public PostgresNotificationInbox(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        db = new PostgresCommands(dataSource);
    }

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => db.ExecuteAsync(Schema, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> TryEnqueueAsync(FhirNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return await db.ExecuteAsync($"INSERT INTO fhir_notifications ({Columns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subscription, dedupe_key) DO NOTHING", cancellationToken,
            Text(notification.Id), Text(notification.Subscription), Text(notification.DedupeKey), Text(notification.Focus), Text(notification.ResourceJson), Instant(notification.ReceivedAt)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> AcceptAsync(
        IReadOnlyCollection<string> subscriptions, Func<IReadOnlyDictionary<string, SubscriptionState>, NotificationIntakePlan> plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(plan);
        var names = subscriptions.Order(StringComparer.Ordinal).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Lock the state rows (created first when missing: FOR UPDATE cannot lock a row that does not exist) in name
        // order, so another node's batch waits here until this one commits and then reads the state it wrote.
        var states = new Dictionary<string, SubscriptionState>(StringComparer.Ordinal);
        await using (var lockBatch = new NpgsqlBatch(connection, transaction))
        {
            lockBatch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO fhir_subscriptions (subscription, last_event_number, gaps) SELECT name, 0, '' FROM unnest($1::text[]) AS name ORDER BY name ON CONFLICT (subscription) DO NOTHING")
            {
                Parameters = { new NpgsqlParameter { Value = names, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text } },
            });
            lockBatch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT {StateColumns} FROM fhir_subscriptions WHERE subscription = ANY($1) ORDER BY subscription FOR UPDATE")
            {
                Parameters = { new NpgsqlParameter { Value = names, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text } },
            });
            await using var reader = await lockBatch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var state = ReadState(reader);
                states[state.Subscription] = state;
            }
        }

        var planned = plan(states);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var n in planned.Notifications)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO fhir_notifications ({Columns}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subscription, dedupe_key) DO NOTHING")
            {
                Parameters = { Text(n.Id), Text(n.Subscription), Text(n.DedupeKey), Text(n.Focus), Text(n.ResourceJson), Instant(n.ReceivedAt) },
            });
        }

        foreach (var state in planned.States)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(SaveStateSql)
            {
                Parameters = { Text(state.Subscription), Text(state.Status), Text(state.Topic), Long(state.LastEventNumber), Text(state.Gaps), Instant(state.LastSeenAt) },
            });
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var accepted = new bool[planned.Notifications.Count];
        for (var i = 0; i < accepted.Length; i++)
        {
            accepted[i] = batch.BatchCommands[i].RecordsAffected == 1;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return accepted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FhirNotification>> PendingAsync(int max, CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {Columns} FROM fhir_notifications WHERE processed_at IS NULL ORDER BY received_at, id LIMIT $1", Read, cancellationToken, Long(max)).ConfigureAwait(false);

    /// <inheritdoc />
    public Task CompleteAsync(string id, string? error, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.ExecuteAsync("UPDATE fhir_notifications SET processed_at = $3, error = $2 WHERE id = $1", cancellationToken, Text(id), Text(error), Instant(at));

    /// <inheritdoc />
    public async Task CompleteAsync(IReadOnlyList<NotificationOutcome> outcomes, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            return;
        }

        // One statement: the ids and errors as parallel arrays.
        await db.ExecuteAsync(
            "UPDATE fhir_notifications n SET processed_at = $3, error = o.error FROM unnest($1::text[], $2::text[]) AS o(id, error) WHERE n.id = o.id",
            cancellationToken,
            new NpgsqlParameter { Value = outcomes.Select(o => o.Id).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
            new NpgsqlParameter { Value = outcomes.Select(o => o.Error).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
            Instant(at)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SubscriptionState?> GetStateAsync(string subscription, CancellationToken cancellationToken = default) =>
        (await db.QueryAsync($"SELECT {StateColumns} FROM fhir_subscriptions WHERE subscription = $1", ReadState, cancellationToken, Text(subscription)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task SaveStateAsync(SubscriptionState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        return db.ExecuteAsync(SaveStateSql, cancellationToken, Text(state.Subscription), Text(state.Status), Text(state.Topic), Long(state.LastEventNumber), Text(state.Gaps), Instant(state.LastSeenAt));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubscriptionState>> ListStatesAsync(CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {StateColumns} FROM fhir_subscriptions ORDER BY subscription", ReadState, cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private static FhirNotification Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0), Subscription = r.GetString(1), DedupeKey = r.GetString(2),
        Focus = r.IsDBNull(3) ? null : r.GetString(3), ResourceJson = r.IsDBNull(4) ? null : r.GetString(4),
        ReceivedAt = r.GetFieldValue<DateTimeOffset>(5),
    };

    private static SubscriptionState ReadState(NpgsqlDataReader r) => new()
    {
        Subscription = r.GetString(0), Status = r.IsDBNull(1) ? null : r.GetString(1), Topic = r.IsDBNull(2) ? null : r.GetString(2),
        LastEventNumber = r.GetInt64(3), Gaps = r.GetString(4), LastSeenAt = r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
    };
}
