using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Shared;

namespace Automation.Persistence.Sqlite;

/// <summary>Report aggregates.</summary>
public sealed partial class SqliteWorkflowStore
{
    /// <inheritdoc />
    public async Task<JourneyStatistics> GetJourneyStatisticsAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(definitionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var statuses = new Dictionary<WorkflowStatus, long>();
        await using (var command = Command(connection, transaction, "SELECT status, COUNT(*) FROM instances WHERE definition_id = $d GROUP BY status"))
        {
            command.Parameters.AddWithValue("$d", definitionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                statuses[StoreValues.ParseStatus(reader.GetString(0))] = reader.GetInt64(1);
            }
        }

        // Per step: instances that entered it (Started, or a Ran row's first half) and, per outcome, that completed it
        // (Completed, or a Ran row's second half).
        var steps = new List<StepStatistic>();
        await using (var command = Command(connection, transaction, $$"""
            SELECT j.activity_id, j.activity_type, CASE WHEN e.completion = 1 THEN j.outcomes END, COUNT(DISTINCT j.instance_id)
            FROM journal j
            JOIN {{JournalRows.EntryHalves}} AS e ON e.event = j.event
            WHERE j.instance_id IN (SELECT id FROM instances WHERE definition_id = $d)
            GROUP BY 1, 2, 3 ORDER BY 1, 3
            """))
        {
            command.Parameters.AddWithValue("$d", definitionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                steps.Add(new StepStatistic(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3)));
            }
        }

        return new JourneyStatistics(statuses, steps);
    }
}
