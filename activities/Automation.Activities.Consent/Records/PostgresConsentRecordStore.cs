using Automation.Activities.Consent.Registry;
using Npgsql;

namespace Automation.Activities.Consent.Records;

/// <summary>Consent records in PostgreSQL (shared by every server node, so an opt-out is seen cluster-wide at once).</summary>
public sealed class PostgresConsentRecordStore : IConsentRecordStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS consent_records (
            record_id text PRIMARY KEY,
            patient_id text NOT NULL,
            purpose text NOT NULL,
            channel text NOT NULL,
            kind text NOT NULL,
            recorded_at bigint NOT NULL,
            source text NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_consent_records_patient ON consent_records (patient_id, recorded_at);
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;

    /// <summary>Creates the store with a connection pool of its own.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public PostgresConsentRecordStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        dataSource = NpgsqlDataSource.Create(connectionString);
        ownsDataSource = true;
    }

    /// <summary>Creates the store on a connection pool it shares with other stores; the caller disposes the pool.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    public PostgresConsentRecordStore(NpgsqlDataSource dataSource)
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
    public async Task<bool> AddAsync(ConsentRecord record, CancellationToken cancellationToken = default)
    {
        RecordColumns.Check(record);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO consent_records ({RecordColumns.List}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (record_id) DO NOTHING");
        command.Parameters.AddWithValue(record.RecordId);
        command.Parameters.AddWithValue(record.PatientId);
        command.Parameters.AddWithValue(record.Purpose);
        command.Parameters.AddWithValue(record.Channel);
        command.Parameters.AddWithValue(ConsentRecord.KindName(record.Kind));
        command.Parameters.AddWithValue(RecordColumns.ToMicros(record.RecordedAt));
        command.Parameters.AddWithValue(record.Source);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsentRecord>> ListAsync(string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientId);
        await using var command = dataSource.CreateCommand($"SELECT {RecordColumns.List} FROM consent_records WHERE patient_id = $1 ORDER BY recorded_at, record_id");
        command.Parameters.AddWithValue(patientId);
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

        await using var command = dataSource.CreateCommand($"SELECT {RecordColumns.List} FROM consent_records WHERE patient_id = ANY($1) ORDER BY recorded_at, record_id");
        command.Parameters.AddWithValue(patientIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            RecordColumns.AddTo(records, RecordColumns.Read(reader));
        }

        return records;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;
}
