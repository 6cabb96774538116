using Automation.Engine.Audience;
using Automation.Engine.Execution;
using Automation.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Sqlite;

/// <summary>Audience entry support: batch existence checks and the run progress records.</summary>
public sealed partial class SqliteWorkflowStore
{
    // SQLite's default limit on host parameters is 32766; batches stay far below it.
    private const int MaxIdsPerQuery = 5000;

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindExistingInstanceIdsAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        return await FindInAsync("SELECT id FROM instances WHERE id IN ({0})", null, instanceIds, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindActiveCorrelationIdsAsync(string definitionId, IReadOnlyCollection<string> correlationIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(definitionId);
        ArgumentNullException.ThrowIfNull(correlationIds);
        var sql = $"SELECT DISTINCT correlation_id FROM instances WHERE definition_id = $definitionId AND status IN ('{StoreValues.Name(WorkflowStatus.Running)}', '{StoreValues.Name(WorkflowStatus.Suspended)}') AND correlation_id IN ({{0}})";
        return await FindInAsync(sql, definitionId, correlationIds, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SaveAudienceRunAsync(AudienceRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            INSERT INTO audience_runs (run_id, definition_id, definition_version_id, status, position, entered, skipped, excluded, started_at, updated_at, error)
            VALUES ($runId, $definitionId, $versionId, $status, $position, $entered, $skipped, $excluded, $startedAt, $updatedAt, $error)
            ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, position = excluded.position, entered = excluded.entered,
                skipped = excluded.skipped, excluded = excluded.excluded, updated_at = excluded.updated_at, error = excluded.error
            """);
        command.Parameters.AddWithValue("$runId", run.RunId);
        command.Parameters.AddWithValue("$definitionId", run.DefinitionId);
        command.Parameters.AddWithValue("$versionId", run.DefinitionVersionId);
        command.Parameters.AddWithValue("$status", run.Status);
        command.Parameters.AddWithValue("$position", run.Position);
        command.Parameters.AddWithValue("$entered", run.Entered);
        command.Parameters.AddWithValue("$skipped", run.Skipped);
        command.Parameters.AddWithValue("$excluded", run.Excluded);
        command.Parameters.AddWithValue("$startedAt", StoreValues.ToUnixMicros(run.StartedAt));
        command.Parameters.AddWithValue("$updatedAt", StoreValues.ToUnixMicros(run.UpdatedAt));
        command.Parameters.AddWithValue("$error", (object?)run.Error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AudienceRun?> GetAudienceRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var runs = await ReadRunsAsync("WHERE run_id = $runId", command => command.Parameters.AddWithValue("$runId", runId), 1, cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AudienceRun>> ListAudienceRunsAsync(string? definitionId, int take, CancellationToken cancellationToken = default) =>
        definitionId is null
            ? ReadRunsAsync("", _ => { }, take, cancellationToken)
            : ReadRunsAsync("WHERE definition_id = $definitionId", command => command.Parameters.AddWithValue("$definitionId", definitionId), take, cancellationToken);

    private async Task<IReadOnlyList<AudienceRun>> ReadRunsAsync(string where, Action<SqliteCommand> bind, int take, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            SELECT run_id, definition_id, definition_version_id, status, position, entered, skipped, started_at, updated_at, error, excluded
            FROM audience_runs {where} ORDER BY started_at DESC LIMIT $take
            """);
        bind(command);
        command.Parameters.AddWithValue("$take", Math.Max(0, take));
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
                StartedAt = StoreValues.FromUnixMicros(reader.GetInt64(7)),
                UpdatedAt = StoreValues.FromUnixMicros(reader.GetInt64(8)),
                Error = reader.IsDBNull(9) ? null : reader.GetString(9),
                Excluded = reader.GetInt64(10),
            });
        }

        return runs;
    }

    private async Task<IReadOnlySet<string>> FindInAsync(string sqlWithList, string? definitionId, IReadOnlyCollection<string> values, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (values.Count == 0)
        {
            return found;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in values.Chunk(MaxIdsPerQuery))
        {
            var names = Enumerable.Range(0, chunk.Length).Select(i => "$v" + i).ToArray();
            await using var command = Command(connection, null, string.Format(System.Globalization.CultureInfo.InvariantCulture, sqlWithList, string.Join(",", names)));
            if (definitionId is not null)
            {
                command.Parameters.AddWithValue("$definitionId", definitionId);
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                command.Parameters.AddWithValue(names[i], chunk[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }
        }

        return found;
    }
}
