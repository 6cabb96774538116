using Automation.Activities.Consent.Registry;
using Microsoft.Data.Sqlite;

namespace Automation.Activities.Consent.Records;

/// <summary>Consent records in SQLite (the embedded default; may share the workflow store's database file).</summary>
public sealed class SqliteConsentRecordStore : IConsentRecordStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS consent_records (
            record_id TEXT PRIMARY KEY NOT NULL,
            patient_id TEXT NOT NULL,
            purpose TEXT NOT NULL,
            channel TEXT NOT NULL,
            kind TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            source TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_consent_records_patient ON consent_records (patient_id, recorded_at);
        """;

    private readonly string connectionString;

    /// <summary>Creates the store; the database file's folder is created when missing.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public SqliteConsentRecordStore(string connectionString)
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
    public async Task<bool> AddAsync(ConsentRecord record, CancellationToken cancellationToken = default)
    {
        RecordColumns.Check(record);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO consent_records ({RecordColumns.List}) VALUES ($id, $patient, $purpose, $channel, $kind, $at, $source) ON CONFLICT (record_id) DO NOTHING";
        command.Parameters.AddWithValue("$id", record.RecordId);
        command.Parameters.AddWithValue("$patient", record.PatientId);
        command.Parameters.AddWithValue("$purpose", record.Purpose);
        command.Parameters.AddWithValue("$channel", record.Channel);
        command.Parameters.AddWithValue("$kind", ConsentRecord.KindName(record.Kind));
        command.Parameters.AddWithValue("$at", RecordColumns.ToMicros(record.RecordedAt));
        command.Parameters.AddWithValue("$source", record.Source);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsentRecord>> ListAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns.List} FROM consent_records WHERE patient_id = $patient ORDER BY recorded_at, record_id";
        command.Parameters.AddWithValue("$patient", patientId);
        var records = new List<ConsentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(RecordColumns.Read(reader));
        }

        return records;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, List<ConsentRecord>>> ListManyAsync(IReadOnlyCollection<string> patientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        var records = new Dictionary<string, List<ConsentRecord>>(StringComparer.Ordinal);
        if (patientIds.Count == 0)
        {
            return records;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns.List} FROM consent_records WHERE patient_id IN (SELECT value FROM json_each($patients)) ORDER BY recorded_at, record_id";
        command.Parameters.AddWithValue("$patients", System.Text.Json.JsonSerializer.Serialize(patientIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            RecordColumns.AddTo(records, RecordColumns.Read(reader));
        }

        return records;
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
