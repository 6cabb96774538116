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

        var steps = new List<StepStatistic>();
        await using (var command = Command(connection, transaction, """
            SELECT activity_id, activity_type, CASE WHEN event = 'Completed' THEN outcomes END, COUNT(DISTINCT instance_id)
            FROM journal WHERE instance_id IN (SELECT id FROM instances WHERE definition_id = $d) AND event IN ('Started', 'Completed')
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
