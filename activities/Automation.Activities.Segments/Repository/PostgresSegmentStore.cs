using Npgsql;

namespace Automation.Activities.Segments.Repository;

/// <summary>Segments in PostgreSQL (shared by every server node); disposes the pool only when it owns it.</summary>
internal sealed class PostgresSegmentStore(NpgsqlDataSource dataSource, bool ownsDataSource) : SegmentStore
{

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS segment_definitions (id text PRIMARY KEY, document text NOT NULL, updated_at timestamptz NOT NULL)");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<StoredSegment>> ListAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT id, document, updated_at FROM segment_definitions ORDER BY id", null, cancellationToken).ConfigureAwait(false);

    public override async Task<StoredSegment?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var rows = await QueryAsync("SELECT id, document, updated_at FROM segment_definitions WHERE id = $1", c => c.Parameters.Add(new NpgsqlParameter { Value = id }), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public override async Task<bool> SaveAsync(StoredSegment segment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);

        // xmax = 0 only for a freshly inserted row: tells "created" from "replaced" in one statement.
        await using var command = dataSource.CreateCommand(
            "INSERT INTO segment_definitions (id, document, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at RETURNING (xmax = 0)");
        Bind(command, segment);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public override async Task<bool> AddIfAbsentAsync(StoredSegment segment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segment);
        await using var command = dataSource.CreateCommand("INSERT INTO segment_definitions (id, document, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING");
        Bind(command, segment);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public override async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = dataSource.CreateCommand("DELETE FROM segment_definitions WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsDataSource)
        {
            dataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void Bind(NpgsqlCommand command, StoredSegment segment)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = segment.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.Document });
        command.Parameters.Add(new NpgsqlParameter { Value = segment.UpdatedAt.ToUniversalTime() });
    }

    private async Task<List<StoredSegment>> QueryAsync(string sql, Action<NpgsqlCommand>? bind, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        bind?.Invoke(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<StoredSegment>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredSegment(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return rows;
    }
}
