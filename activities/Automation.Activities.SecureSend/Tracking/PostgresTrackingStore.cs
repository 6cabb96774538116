using Npgsql;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Tracked messages and engagement events in PostgreSQL.</summary>
public sealed class PostgresTrackingStore : ITrackingStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS tracked_messages (
            message_id text PRIMARY KEY,
            patient_id text NOT NULL,
            instance_id text NOT NULL,
            definition_id text NOT NULL,
            purpose text NOT NULL,
            links text NOT NULL,
            sent_at bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS engagement_events (
            event_id text PRIMARY KEY,
            message_id text NOT NULL,
            patient_id text NOT NULL,
            type text NOT NULL,
            at bigint NOT NULL,
            automated bigint NOT NULL,
            reason text NULL,
            user_agent_hash text NULL);
        CREATE INDEX IF NOT EXISTS ix_tracked_messages_patient ON tracked_messages (patient_id, sent_at);
        CREATE INDEX IF NOT EXISTS ix_engagement_events_message ON engagement_events (message_id, at);
        CREATE INDEX IF NOT EXISTS ix_engagement_events_patient ON engagement_events (patient_id, at);
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;

    /// <summary>Creates the store with a connection pool of its own.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public PostgresTrackingStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        dataSource = NpgsqlDataSource.Create(connectionString);
        ownsDataSource = true;
    }

    /// <summary>Creates the store on a connection pool it shares with other stores; the caller disposes the pool.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    public PostgresTrackingStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Schema);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SaveMessageAsync(TrackedMessageRecord message, CancellationToken cancellationToken = default)
    {
        TrackingColumns.Check(message);
        await using var command = dataSource.CreateCommand($"INSERT INTO tracked_messages ({TrackingColumns.Message}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id) DO NOTHING");
        command.Parameters.AddWithValue(message.MessageId);
        command.Parameters.AddWithValue(message.PatientId);
        command.Parameters.AddWithValue(message.InstanceId);
        command.Parameters.AddWithValue(message.DefinitionId);
        command.Parameters.AddWithValue(message.Purpose);
        command.Parameters.AddWithValue(TrackingColumns.Links(message.Links));
        command.Parameters.AddWithValue(TrackingColumns.ToMicros(message.SentAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<TrackedMessageRecord?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var found = await QueryAsync($"SELECT {TrackingColumns.Message} FROM tracked_messages WHERE message_id = $1", [messageId], TrackingColumns.ReadMessage, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async Task AddEventAsync(EngagementEvent engagement, CancellationToken cancellationToken = default)
    {
        TrackingColumns.Check(engagement);
        await using var command = dataSource.CreateCommand($"INSERT INTO engagement_events ({TrackingColumns.Event}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING");
        command.Parameters.AddWithValue(engagement.EventId);
        command.Parameters.AddWithValue(engagement.MessageId);
        command.Parameters.AddWithValue(engagement.PatientId);
        command.Parameters.AddWithValue(engagement.Type);
        command.Parameters.AddWithValue(TrackingColumns.ToMicros(engagement.At));
        command.Parameters.AddWithValue(engagement.Automated ? 1L : 0L);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)engagement.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)engagement.UserAgentHash ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EngagementEvent>> ListEventsAsync(string messageId, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {TrackingColumns.Event} FROM engagement_events WHERE message_id = $1 ORDER BY at, event_id", [messageId], TrackingColumns.ReadEvent, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<EngagementEvent>> ListPatientEventsAsync(string patientId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {TrackingColumns.Event} FROM engagement_events WHERE patient_id = $1 AND at >= $2 ORDER BY at, event_id",
            [patientId, TrackingColumns.ToMicros(since)], TrackingColumns.ReadEvent, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<int> CountMessagesAsync(string patientId, string purpose, DateTimeOffset since, string? exceptMessageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentNullException.ThrowIfNull(purpose);
        var found = await QueryAsync("SELECT COUNT(*) FROM tracked_messages WHERE patient_id = $1 AND sent_at >= $2 AND lower(purpose) = lower($3) AND message_id <> $4",
            [patientId, TrackingColumns.ToMicros(since), purpose, exceptMessageId ?? ""], r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return (int)found[0];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private async Task<List<T>> QueryAsync<T>(string sql, object[] values, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }

        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }

        return list;
    }
}
