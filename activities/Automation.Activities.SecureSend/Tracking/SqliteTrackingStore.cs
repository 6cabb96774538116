using Microsoft.Data.Sqlite;

namespace Automation.Activities.SecureSend.Tracking;

/// <summary>Tracked messages and engagement events in SQLite (the embedded default).</summary>
public sealed class SqliteTrackingStore : ITrackingStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS tracked_messages (
            message_id TEXT PRIMARY KEY NOT NULL,
            patient_id TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            definition_id TEXT NOT NULL,
            purpose TEXT NOT NULL,
            links TEXT NOT NULL,
            sent_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS engagement_events (
            event_id TEXT PRIMARY KEY NOT NULL,
            message_id TEXT NOT NULL,
            patient_id TEXT NOT NULL,
            type TEXT NOT NULL,
            at INTEGER NOT NULL,
            automated INTEGER NOT NULL,
            reason TEXT NULL,
            user_agent_hash TEXT NULL);
        CREATE INDEX IF NOT EXISTS ix_tracked_messages_patient ON tracked_messages (patient_id, sent_at);
        CREATE INDEX IF NOT EXISTS ix_engagement_events_message ON engagement_events (message_id, at);
        CREATE INDEX IF NOT EXISTS ix_engagement_events_patient ON engagement_events (patient_id, at);
        """;

    private readonly string connectionString;

    /// <summary>Creates the store; the database file's folder is created when missing.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public SqliteTrackingStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(source)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        this.connectionString = builder.ToString();
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SaveMessageAsync(TrackedMessageRecord message, CancellationToken cancellationToken = default)
    {
        TrackingColumns.Check(message);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO tracked_messages ({TrackingColumns.Message}) VALUES ($id, $patient, $instance, $definition, $purpose, $links, $at) ON CONFLICT (message_id) DO NOTHING";
        command.Parameters.AddWithValue("$id", message.MessageId);
        command.Parameters.AddWithValue("$patient", message.PatientId);
        command.Parameters.AddWithValue("$instance", message.InstanceId);
        command.Parameters.AddWithValue("$definition", message.DefinitionId);
        command.Parameters.AddWithValue("$purpose", message.Purpose);
        command.Parameters.AddWithValue("$links", TrackingColumns.Links(message.Links));
        command.Parameters.AddWithValue("$at", TrackingColumns.ToMicros(message.SentAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<TrackedMessageRecord?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var found = await QueryAsync($"SELECT {TrackingColumns.Message} FROM tracked_messages WHERE message_id = $id", c => c.Parameters.AddWithValue("$id", messageId),
            TrackingColumns.ReadMessage, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public async Task AddEventAsync(EngagementEvent engagement, CancellationToken cancellationToken = default)
    {
        TrackingColumns.Check(engagement);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO engagement_events ({TrackingColumns.Event}) VALUES ($id, $message, $patient, $type, $at, $automated, $reason, $ua) ON CONFLICT (event_id) DO NOTHING";
        command.Parameters.AddWithValue("$id", engagement.EventId);
        command.Parameters.AddWithValue("$message", engagement.MessageId);
        command.Parameters.AddWithValue("$patient", engagement.PatientId);
        command.Parameters.AddWithValue("$type", engagement.Type);
        command.Parameters.AddWithValue("$at", TrackingColumns.ToMicros(engagement.At));
        command.Parameters.AddWithValue("$automated", engagement.Automated ? 1 : 0);
        command.Parameters.AddWithValue("$reason", (object?)engagement.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$ua", (object?)engagement.UserAgentHash ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EngagementEvent>> ListEventsAsync(string messageId, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {TrackingColumns.Event} FROM engagement_events WHERE message_id = $id ORDER BY at, event_id",
            c => c.Parameters.AddWithValue("$id", messageId), TrackingColumns.ReadEvent, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<EngagementEvent>> ListPatientEventsAsync(string patientId, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {TrackingColumns.Event} FROM engagement_events WHERE patient_id = $patient AND at >= $since ORDER BY at, event_id", c =>
        {
            c.Parameters.AddWithValue("$patient", patientId);
            c.Parameters.AddWithValue("$since", TrackingColumns.ToMicros(since));
        }, TrackingColumns.ReadEvent, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<int> CountMessagesAsync(string patientId, string purpose, DateTimeOffset since, string? exceptMessageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        ArgumentNullException.ThrowIfNull(purpose);
        var found = await QueryAsync(
            "SELECT COUNT(*) FROM tracked_messages WHERE patient_id = $patient AND sent_at >= $since AND lower(purpose) = lower($purpose) AND message_id <> $except", c =>
            {
                c.Parameters.AddWithValue("$patient", patientId);
                c.Parameters.AddWithValue("$since", TrackingColumns.ToMicros(since));
                c.Parameters.AddWithValue("$purpose", purpose);
                c.Parameters.AddWithValue("$except", exceptMessageId ?? "");
            }, r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return (int)found[0];
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }

        return list;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout=5000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }
}
