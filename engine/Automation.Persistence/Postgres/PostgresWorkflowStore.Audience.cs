using Automation.Engine.Audience;
using Automation.Engine.Execution;
using Automation.Persistence.Shared;
using Npgsql;
using NpgsqlTypes;

namespace Automation.Persistence.Postgres;

/// <summary>Audience entry support: batch existence checks (one array parameter per batch) and the run progress records.</summary>
public sealed partial class PostgresWorkflowStore
{
    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindExistingInstanceIdsAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        return await FindInAsync("SELECT id FROM instances WHERE id = ANY($1)", null, instanceIds, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindActiveCorrelationIdsAsync(string definitionId, IReadOnlyCollection<string> correlationIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(definitionId);
        ArgumentNullException.ThrowIfNull(correlationIds);
        var sql = $"SELECT DISTINCT correlation_id FROM instances WHERE correlation_id = ANY($1) AND definition_id = $2 AND status IN ('{StoreValues.Name(WorkflowStatus.Running)}', '{StoreValues.Name(WorkflowStatus.Suspended)}')";
        return await FindInAsync(sql, definitionId, correlationIds, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SaveAudienceRunAsync(AudienceRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO audience_runs (run_id, definition_id, definition_version_id, status, position, entered, skipped, started_at, updated_at, error, excluded)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, position = excluded.position, entered = excluded.entered,
                skipped = excluded.skipped, excluded = excluded.excluded, updated_at = excluded.updated_at, error = excluded.error
            """);
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = run.RunId });
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = run.DefinitionId });
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = run.DefinitionVersionId });
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = run.Status });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.Position });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.Entered });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.Skipped });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = run.StartedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = run.UpdatedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)run.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = run.Excluded });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AudienceRun?> GetAudienceRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var runs = await ReadRunsAsync("WHERE run_id = $2", runId, 1, cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AudienceRun>> ListAudienceRunsAsync(string? definitionId, int take, CancellationToken cancellationToken = default) =>
        ReadRunsAsync(definitionId is null ? "" : "WHERE definition_id = $2", definitionId, take, cancellationToken);

    private async Task<IReadOnlyList<AudienceRun>> ReadRunsAsync(string where, string? value, int take, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            SELECT run_id, definition_id, definition_version_id, status, position, entered, skipped, started_at, updated_at, error, excluded
            FROM audience_runs {where} ORDER BY started_at DESC LIMIT $1
            """);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, take) });
        if (value is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }

        var runs = new List<AudienceRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new AudienceRun
            {
                RunId = reader.GetString(0),
                DefinitionId = reader.GetString(1),
                DefinitionVersionId = reader.GetString(2),
                Status = reader.GetString(3),
                Position = reader.GetInt64(4),
                Entered = reader.GetInt64(5),
                Skipped = reader.GetInt64(6),
                StartedAt = reader.GetFieldValue<DateTimeOffset>(7),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                Error = reader.IsDBNull(9) ? null : reader.GetString(9),
                Excluded = reader.GetInt64(10),
            });
        }

        return runs;
    }

    private async Task<IReadOnlySet<string>> FindInAsync(string sql, string? definitionId, IReadOnlyCollection<string> values, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (values.Count == 0)
        {
            return found;
        }

        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. values] });
        if (definitionId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definitionId });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}
