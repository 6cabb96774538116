using Automation.Engine.Persistence;
using Npgsql;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Tracked messages and engagement events in PostgreSQL. Message records and frequency-cap counts requested at
/// the same time (the sends of a batch) are written and counted with one statement per batch.</summary>
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

    private const string InsertMessagesSql = $"""
        INSERT INTO tracked_messages ({TrackingColumns.Message})
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
        ON CONFLICT (message_id) DO NOTHING RETURNING message_id
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;
    private readonly RequestCoalescer<TrackedMessageRecord, bool> saves;
    private readonly RequestCoalescer<CountRequest, int> counts;

    /// <summary>Creates the store with a connection pool of its own.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public PostgresTrackingStore(string connectionString)
        : this(NpgsqlDataSource.Create(string.IsNullOrWhiteSpace(connectionString) ? throw new ArgumentException("The connection string is empty.", nameof(connectionString)) : connectionString))
    {
        ownsDataSource = true;
    }

    /// <summary>Creates the store on a connection pool it shares with other stores; the caller disposes the pool.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    public PostgresTrackingStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        saves = new RequestCoalescer<TrackedMessageRecord, bool>(SaveMessagesAsync);
        counts = new RequestCoalescer<CountRequest, int>(CountMessagesAsync);
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(Schema);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> SaveMessageAsync(TrackedMessageRecord message, CancellationToken cancellationToken = default)
    {
        TrackingColumns.Check(message);
        return saves.ExecuteAsync(message, cancellationToken);
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
    public Task<int> CountMessagesAsync(string patientId, string purpose, DateTimeOffset since, string? exceptMessageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentNullException.ThrowIfNull(purpose);
        return counts.ExecuteAsync(new CountRequest(patientId, purpose, since, exceptMessageId), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    // A message id repeated in one batch is inserted once: its first request gets true, as if they had come one by one.
    private async Task<IReadOnlyList<bool>> SaveMessagesAsync(IReadOnlyList<TrackedMessageRecord> messages, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InsertMessagesSql);
        command.Parameters.AddWithValue(messages.Select(m => m.MessageId).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.PatientId).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.InstanceId).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.DefinitionId).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => m.Purpose).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => TrackingColumns.Links(m.Links)).ToArray());
        command.Parameters.AddWithValue(messages.Select(m => TrackingColumns.ToMicros(m.SentAt)).ToArray());
        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                inserted.Add(reader.GetString(0));
            }
        }

        return [.. messages.Select(m => inserted.Remove(m.MessageId))];
    }

    // One read of the patients' messages since the earliest window asked; each request then counts its own.
    private async Task<IReadOnlyList<int>> CountMessagesAsync(IReadOnlyList<CountRequest> requests, CancellationToken cancellationToken)
    {
        var sent = await QueryAsync("SELECT patient_id, message_id, purpose, sent_at FROM tracked_messages WHERE patient_id = ANY($1) AND sent_at >= $2",
            [requests.Select(r => r.PatientId).Distinct(StringComparer.Ordinal).ToArray(), TrackingColumns.ToMicros(requests.Min(r => r.Since))],
            r => (PatientId: r.GetString(0), MessageId: r.GetString(1), Purpose: r.GetString(2), SentAt: r.GetInt64(3)), cancellationToken).ConfigureAwait(false);
        var byPatient = sent.ToLookup(m => m.PatientId, StringComparer.Ordinal);
        return [.. requests.Select(request => byPatient[request.PatientId].Count(m =>
            m.SentAt >= TrackingColumns.ToMicros(request.Since)
            && string.Equals(m.Purpose, request.Purpose, StringComparison.OrdinalIgnoreCase)
            && m.MessageId != (request.ExceptMessageId ?? "")))];
    }

    private sealed record CountRequest(string PatientId, string Purpose, DateTimeOffset Since, string? ExceptMessageId);

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
