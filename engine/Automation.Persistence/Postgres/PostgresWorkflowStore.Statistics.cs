using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Shared;
using Npgsql;

namespace Automation.Persistence.Postgres;

/// <summary>Report aggregates.</summary>
public sealed partial class PostgresWorkflowStore
{
    /// <inheritdoc />
    public async Task<JourneyStatistics> GetJourneyStatisticsAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(definitionId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT status, count(*) FROM instances WHERE definition_id = $1 GROUP BY status") { Parameters = { new NpgsqlParameter<string> { TypedValue = definitionId } } });
        // Per step: instances that entered it (Started, or a Ran row's first half) and, per outcome, that completed it
        // (Completed, or a Ran row's second half).
        batch.BatchCommands.Add(new NpgsqlBatchCommand($$"""
            SELECT j.activity_id, j.activity_type, CASE WHEN e.completion = 1 THEN j.outcomes END, count(DISTINCT j.instance_id)
            FROM journal j JOIN instances i ON i.id = j.instance_id
            JOIN {{JournalRows.EntryHalves}} AS e ON e.event = j.event
            WHERE i.definition_id = $1
            GROUP BY 1, 2, 3 ORDER BY 1, 3
            """) { Parameters = { new NpgsqlParameter<string> { TypedValue = definitionId } } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var statuses = new Dictionary<WorkflowStatus, long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            statuses[StoreValues.ParseStatus(reader.GetString(0))] = reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var steps = new List<StepStatistic>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            steps.Add(new StepStatistic(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
        }

        return new JourneyStatistics(statuses, steps);
    }
}
