using Automation.Engine.Bookmarks;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Shared;
using Npgsql;
using NpgsqlTypes;
using static Automation.Persistence.Postgres.PostgresParameters;

namespace Automation.Persistence.Postgres;

/// <summary>
/// Writes commits. One commit: a batch per step (insert, or conditional update then bookmark and journal rows via
/// <c>unnest</c>). Many commits: one batch of conditional updates, then binary COPY of the new instances, all bookmarks
/// and all journal entries, in one transaction.
/// </summary>
internal static class PostgresCommitWriter
{
    private const string InstancesPrimaryKey = "instances_pkey";
    private const string UniqueViolation = "23505";

    private const string InsertInstanceSql = """
        INSERT INTO instances (id, definition_id, definition_version_id, version, status, correlation_id, incident_count, created_at, updated_at, finished_at, revision, state)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        """;

    private const string UpdateInstanceSql = """
        UPDATE instances SET definition_id = $2, definition_version_id = $3, version = $4, status = $5, correlation_id = $6,
            incident_count = $7, created_at = $8, updated_at = $9, finished_at = $10, revision = $11, state = $12
        WHERE id = $1 AND revision = $13
        """;

    private const string UpdateInstancesSql = """
        UPDATE instances AS i SET definition_id = u.definition_id, definition_version_id = u.definition_version_id, version = u.version,
            status = u.status, correlation_id = u.correlation_id, incident_count = u.incident_count, created_at = u.created_at,
            updated_at = u.updated_at, finished_at = u.finished_at, revision = u.revision, state = u.state
        FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::integer[], $8::timestamptz[], $9::timestamptz[],
                    $10::timestamptz[], $11::bigint[], $12::bytea[], $13::bigint[])
            AS u(id, definition_id, definition_version_id, version, status, correlation_id, incident_count, created_at, updated_at, finished_at, revision, state, expected)
        WHERE i.id = u.id AND i.revision = u.expected
        RETURNING i.id
        """;

    private const string InsertBookmarksSql = """
        INSERT INTO bookmarks (id, instance_id, activity_id, activity_node_id, name, hash, correlation_id, payload, resume_at, created_at)
        SELECT b.id, $1, b.activity_id, b.activity_node_id, b.name, b.hash, b.correlation_id, b.payload, b.resume_at, b.created_at
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[])
            AS b(id, activity_id, activity_node_id, name, hash, correlation_id, payload, resume_at, created_at)
        """;

    private const string InsertJournalSql = """
        INSERT INTO journal (instance_id, sequence, timestamp, activity_id, activity_node_id, activity_type, event, outcomes, message, completed_at)
        SELECT $1, j.sequence, j.timestamp, j.activity_id, j.activity_node_id, j.activity_type, j.event, j.outcomes, j.message, j.completed_at
        FROM unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
            AS j(sequence, timestamp, activity_id, activity_node_id, activity_type, event, outcomes, message, completed_at)
        """;

    private const string InsertOutboxSql = """
        INSERT INTO outbox (id, topic, payload, instance_id, status, attempts, available_at, created_at)
        SELECT o.id, o.topic, o.payload, o.instance_id, 'pending', 0, $6, o.created_at
        FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::timestamptz[]) AS o(id, topic, payload, instance_id, created_at)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>One statement for any number of outbox messages (of one or many commits); ids already stored are ignored.</summary>
    public static NpgsqlBatchCommand InsertOutbox(IReadOnlyList<(Engine.Outbox.OutboxMessage Message, string InstanceId, DateTimeOffset CreatedAt)> rows) => BatchCommand(
        InsertOutboxSql,
        TextArray([.. rows.Select(r => r.Message.Id)]),
        TextArray([.. rows.Select(r => r.Message.Topic)]),
        new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = rows.Select(r => r.Message.Payload).ToArray() },
        TextArray([.. rows.Select(r => r.InstanceId)]),
        TimeArray([.. rows.Select(r => (DateTimeOffset?)r.CreatedAt)]),
        Time(OutboxRows.DueNow));

    public static async Task WriteOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, WorkflowCommit commit, StateCodec codec, CancellationToken cancellationToken)
    {
        var state = commit.State;
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (commit.ExpectedRevision == 0)
        {
            batch.BatchCommands.Add(BatchCommand(InsertInstanceSql, InstanceParameters(state, 1, codec)));
        }
        else
        {
            await using var update = Command(connection, transaction, UpdateInstanceSql, [.. InstanceParameters(state, commit.ExpectedRevision + 1, codec), Long(commit.ExpectedRevision)]);
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new WorkflowConcurrencyException(state.InstanceId, commit.ExpectedRevision);
            }

            batch.BatchCommands.Add(BatchCommand("DELETE FROM bookmarks WHERE instance_id = $1", Text(state.InstanceId)));
        }

        if (state.Bookmarks.Count > 0)
        {
            batch.BatchCommands.Add(InsertBookmarks(state.InstanceId, state.Bookmarks));
        }

        if (commit.Journal.Count > 0)
        {
            batch.BatchCommands.Add(InsertJournal(state.InstanceId, commit.Journal));
        }

        if (commit.Outbox.Count > 0)
        {
            batch.BatchCommands.Add(InsertOutbox([.. commit.Outbox.Select(m => (m, state.InstanceId, state.UpdatedAt))]));
        }

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == UniqueViolation && exception.ConstraintName == InstancesPrimaryKey)
        {
            throw new WorkflowConcurrencyException(state.InstanceId, commit.ExpectedRevision);
        }
    }

    public static async Task WriteBatchAsync(NpgsqlConnection connection, IReadOnlyList<WorkflowCommit> commits, StateCodec codec, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (HasRepeatedInstance(commits))
        {
            // The same instance twice (created, then resumed): its steps depend on each other, so write them in order.
            foreach (var commit in commits)
            {
                await WriteOneAsync(connection, transaction, commit, codec, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await UpdateExistingAsync(connection, transaction, commits, codec, cancellationToken).ConfigureAwait(false);

        try
        {
            await CopyNewInstancesAsync(connection, commits, codec, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == UniqueViolation && exception.ConstraintName == InstancesPrimaryKey)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            var conflicting = await FindExistingAsync(connection, commits, cancellationToken).ConfigureAwait(false);
            throw new WorkflowConcurrencyException(conflicting, 0);
        }

        await CopyBookmarksAsync(connection, commits, cancellationToken).ConfigureAwait(false);
        await CopyJournalAsync(connection, commits, cancellationToken).ConfigureAwait(false);
        await InsertAllOutboxAsync(connection, transaction, commits, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertAllOutboxAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken)
    {
        var rows = commits.SelectMany(commit => commit.Outbox.Select(message => (message, commit.State.InstanceId, commit.State.UpdatedAt))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(InsertOutbox(rows));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool HasRepeatedInstance(IReadOnlyList<WorkflowCommit> commits)
    {
        var seen = new HashSet<string>(commits.Count, StringComparer.Ordinal);
        foreach (var commit in commits)
        {
            if (!seen.Add(commit.State.InstanceId))
            {
                return true;
            }
        }

        return false;
    }

    // One statement for every existing instance of the batch: a row whose revision moved on is not updated, and the
    // first such instance is reported (the caller rolls the whole batch back).
    private static async Task UpdateExistingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<WorkflowCommit> commits, StateCodec codec, CancellationToken cancellationToken)
    {
        var updated = commits.Where(commit => commit.ExpectedRevision > 0).ToList();
        if (updated.Count == 0)
        {
            return;
        }

        var states = updated.ConvertAll(commit => commit.State);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(BatchCommand(
            UpdateInstancesSql,
            TextArray([.. states.Select(s => s.InstanceId)]),
            TextArray([.. states.Select(s => s.DefinitionId)]),
            TextArray([.. states.Select(s => s.DefinitionVersionId)]),
            IntArray([.. states.Select(s => s.DefinitionVersion)]),
            TextArray([.. states.Select(s => StoreValues.Name(s.Status))]),
            TextArray([.. states.Select(s => s.CorrelationId)]),
            IntArray([.. states.Select(s => s.Incidents.Count)]),
            TimeArray([.. states.Select(s => (DateTimeOffset?)s.CreatedAt)]),
            TimeArray([.. states.Select(s => (DateTimeOffset?)s.UpdatedAt)]),
            TimeArray([.. states.Select(s => s.FinishedAt)]),
            LongArray([.. updated.Select(commit => commit.ExpectedRevision + 1)]),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = updated.ConvertAll(commit => codec.Encode(commit.State, commit.ExpectedRevision + 1)).ToArray() },
            LongArray([.. updated.Select(commit => commit.ExpectedRevision)])));
        batch.BatchCommands.Add(BatchCommand("DELETE FROM bookmarks WHERE instance_id = ANY($1)", TextArray([.. states.Select(s => s.InstanceId)])));
        var written = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                written.Add(reader.GetString(0));
            }
        }

        if (updated.Find(commit => !written.Contains(commit.State.InstanceId)) is { } stale)
        {
            throw new WorkflowConcurrencyException(stale.State.InstanceId, stale.ExpectedRevision);
        }
    }

    private static async Task CopyNewInstancesAsync(NpgsqlConnection connection, IReadOnlyList<WorkflowCommit> commits, StateCodec codec, CancellationToken cancellationToken)
    {
        if (!commits.Any(commit => commit.ExpectedRevision == 0))
        {
            return;
        }

        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY instances (id, definition_id, definition_version_id, version, status, correlation_id, incident_count, created_at, updated_at, finished_at, revision, state) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var commit in commits)
        {
            if (commit.ExpectedRevision != 0)
            {
                continue;
            }

            var state = commit.State;
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(state.InstanceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(state.DefinitionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(state.DefinitionVersionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(state.DefinitionVersion, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(StoreValues.Name(state.Status), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(writer, state.CorrelationId, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(state.Incidents.Count, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(StoreValues.Utc(state.CreatedAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(StoreValues.Utc(state.UpdatedAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteTimeAsync(writer, state.FinishedAt, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(1L, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(codec.Encode(state, 1), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyBookmarksAsync(NpgsqlConnection connection, IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken)
    {
        if (!commits.Any(commit => commit.State.Bookmarks.Count > 0))
        {
            return;
        }

        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY bookmarks (id, instance_id, activity_id, activity_node_id, name, hash, correlation_id, payload, resume_at, created_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var commit in commits)
        {
            foreach (var bookmark in commit.State.Bookmarks)
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(bookmark.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(commit.State.InstanceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(bookmark.ActivityId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(bookmark.ActivityNodeId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(bookmark.Name, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(bookmark.Hash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(writer, bookmark.CorrelationId, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(writer, Payload(bookmark), cancellationToken).ConfigureAwait(false);
                await WriteTimeAsync(writer, bookmark.ResumeAt, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(StoreValues.Utc(bookmark.CreatedAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyJournalAsync(NpgsqlConnection connection, IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken)
    {
        if (!commits.Any(commit => commit.Journal.Count > 0))
        {
            return;
        }

        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY journal (instance_id, sequence, timestamp, activity_id, activity_node_id, activity_type, event, outcomes, message, completed_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var commit in commits)
        {
            var instanceId = commit.State.InstanceId;
            foreach (var row in JournalRows.Compact(commit.Journal))
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(instanceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(row.Sequence, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(StoreValues.Utc(row.Timestamp), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(row.ActivityId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(row.ActivityNodeId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(row.ActivityType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(row.Event, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(writer, row.Outcomes, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(writer, row.Message, cancellationToken).ConfigureAwait(false);
                if (row.CompletedAt is { } completedAt)
                {
                    await writer.WriteAsync(StoreValues.Utc(completedAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> FindExistingAsync(NpgsqlConnection connection, IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken)
    {
        string[] ids = [.. commits.Where(commit => commit.ExpectedRevision == 0).Select(commit => commit.State.InstanceId)];
        await using var command = Command(connection, null, "SELECT id FROM instances WHERE id = ANY($1) LIMIT 1", TextArray(ids));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? ids[0];
    }

    private static NpgsqlParameter[] InstanceParameters(WorkflowState state, long revision, StateCodec codec) =>
    [
        Text(state.InstanceId),
        Text(state.DefinitionId),
        Text(state.DefinitionVersionId),
        Int(state.DefinitionVersion),
        Text(StoreValues.Name(state.Status)),
        Text(state.CorrelationId),
        Int(state.Incidents.Count),
        Time(state.CreatedAt),
        Time(state.UpdatedAt),
        Time(state.FinishedAt),
        Long(revision),
        Bytes(codec.Encode(state, revision)),
    ];

    private static NpgsqlBatchCommand InsertBookmarks(string instanceId, List<Bookmark> bookmarks) => BatchCommand(
        InsertBookmarksSql,
        Text(instanceId),
        TextArray([.. bookmarks.Select(b => b.Id)]),
        TextArray([.. bookmarks.Select(b => b.ActivityId)]),
        TextArray([.. bookmarks.Select(b => b.ActivityNodeId)]),
        TextArray([.. bookmarks.Select(b => b.Name)]),
        TextArray([.. bookmarks.Select(b => b.Hash)]),
        TextArray([.. bookmarks.Select(b => b.CorrelationId)]),
        TextArray([.. bookmarks.Select(Payload)]),
        TimeArray([.. bookmarks.Select(b => b.ResumeAt)]),
        TimeArray([.. bookmarks.Select(b => (DateTimeOffset?)b.CreatedAt)]));

    private static NpgsqlBatchCommand InsertJournal(string instanceId, IReadOnlyList<JournalEntry> journal)
    {
        var rows = JournalRows.Compact(journal);
        return BatchCommand(
            InsertJournalSql,
            Text(instanceId),
            LongArray([.. rows.Select(r => r.Sequence)]),
            TimeArray([.. rows.Select(r => (DateTimeOffset?)r.Timestamp)]),
            TextArray([.. rows.Select(r => r.ActivityId)]),
            TextArray([.. rows.Select(r => r.ActivityNodeId)]),
            TextArray([.. rows.Select(r => r.ActivityType)]),
            TextArray([.. rows.Select(r => r.Event)]),
            TextArray([.. rows.Select(r => r.Outcomes)]),
            TextArray([.. rows.Select(r => r.Message)]),
            TimeArray([.. rows.Select(r => r.CompletedAt)]));
    }

    private static string? Payload(Bookmark bookmark) => bookmark.Payload is null ? null : WorkflowStateJson.SerializeValue(bookmark.Payload);

    private static Task WriteTextAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task WriteTimeAsync(NpgsqlBinaryImporter writer, DateTimeOffset? value, CancellationToken cancellationToken) =>
        value is { } instant ? writer.WriteAsync(StoreValues.Utc(instant), NpgsqlDbType.TimestampTz, cancellationToken) : writer.WriteNullAsync(cancellationToken);
}
