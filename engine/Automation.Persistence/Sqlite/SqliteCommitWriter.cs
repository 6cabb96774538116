using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Sqlite;

/// <summary>Writes commits inside one transaction with prepared commands that are reused for every row.</summary>
internal sealed class SqliteCommitWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private Prepared? _insertInstance;
    private Prepared? _updateInstance;
    private Prepared? _deleteBookmarks;
    private Prepared? _insertBookmark;
    private Prepared? _insertJournal;
    private Prepared? _insertOutbox;

    private readonly StateCodec _codec;

    public SqliteCommitWriter(SqliteConnection connection, SqliteTransaction transaction, StateCodec? codec = null)
    {
        _connection = connection;
        _transaction = transaction;
        _codec = codec ?? StateCodec.Plain;
    }

    public async Task WriteAsync(WorkflowCommit commit, CancellationToken cancellationToken)
    {
        var state = commit.State;
        var isNew = commit.ExpectedRevision == 0;
        var revision = commit.ExpectedRevision + 1;
        var command = isNew
            ? _insertInstance ??= Prepare("""
                INSERT INTO instances (id, definition_id, definition_version_id, version, status, correlation_id, incident_count, created_at, updated_at, finished_at, revision, state)
                VALUES ($id, $definitionId, $definitionVersionId, $version, $status, $correlationId, $incidentCount, $createdAt, $updatedAt, $finishedAt, $revision, $state)
                ON CONFLICT (id) DO NOTHING
                """, "$id", "$definitionId", "$definitionVersionId", "$version", "$status", "$correlationId", "$incidentCount", "$createdAt", "$updatedAt", "$finishedAt", "$revision", "$state")
            : _updateInstance ??= Prepare("""
                UPDATE instances SET definition_id = $definitionId, definition_version_id = $definitionVersionId, version = $version,
                    status = $status, correlation_id = $correlationId, incident_count = $incidentCount, created_at = $createdAt,
                    updated_at = $updatedAt, finished_at = $finishedAt, revision = $revision, state = $state
                WHERE id = $id AND revision = $expected
                """, "$id", "$definitionId", "$definitionVersionId", "$version", "$status", "$correlationId", "$incidentCount", "$createdAt", "$updatedAt", "$finishedAt", "$revision", "$state", "$expected");

        var p = command.Parameters;
        p[0].Value = state.InstanceId;
        p[1].Value = state.DefinitionId;
        p[2].Value = state.DefinitionVersionId;
        p[3].Value = state.DefinitionVersion;
        p[4].Value = StoreValues.Name(state.Status);
        p[5].Value = (object?)state.CorrelationId ?? DBNull.Value;
        p[6].Value = state.Incidents.Count;
        p[7].Value = StoreValues.ToUnixMicros(state.CreatedAt);
        p[8].Value = StoreValues.ToUnixMicros(state.UpdatedAt);
        p[9].Value = state.FinishedAt is { } finished ? StoreValues.ToUnixMicros(finished) : DBNull.Value;
        p[10].Value = revision;
        p[11].Value = _codec.Encode(state, revision);
        if (!isNew)
        {
            p[12].Value = commit.ExpectedRevision;
        }

        if (await command.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw new WorkflowConcurrencyException(state.InstanceId, commit.ExpectedRevision);
        }

        if (!isNew)
        {
            _deleteBookmarks ??= Prepare("DELETE FROM bookmarks WHERE instance_id = $id", "$id");
            _deleteBookmarks.Parameters[0].Value = state.InstanceId;
            await _deleteBookmarks.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var bookmark in state.Bookmarks)
        {
            _insertBookmark ??= Prepare("""
                INSERT INTO bookmarks (id, instance_id, activity_id, activity_node_id, name, hash, correlation_id, payload, resume_at, created_at)
                VALUES ($id, $instanceId, $activityId, $activityNodeId, $name, $hash, $correlationId, $payload, $resumeAt, $createdAt)
                """, "$id", "$instanceId", "$activityId", "$activityNodeId", "$name", "$hash", "$correlationId", "$payload", "$resumeAt", "$createdAt");
            var b = _insertBookmark.Parameters;
            b[0].Value = bookmark.Id;
            b[1].Value = state.InstanceId;
            b[2].Value = bookmark.ActivityId;
            b[3].Value = bookmark.ActivityNodeId;
            b[4].Value = bookmark.Name;
            b[5].Value = bookmark.Hash;
            b[6].Value = (object?)bookmark.CorrelationId ?? DBNull.Value;
            b[7].Value = bookmark.Payload is null ? DBNull.Value : WorkflowStateJson.SerializeValue(bookmark.Payload);
            b[8].Value = bookmark.ResumeAt is { } resumeAt ? StoreValues.ToUnixMicros(resumeAt) : DBNull.Value;
            b[9].Value = StoreValues.ToUnixMicros(bookmark.CreatedAt);
            await _insertBookmark.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var row in JournalRows.Compact(commit.Journal))
        {
            _insertJournal ??= Prepare("""
                INSERT INTO journal (instance_id, sequence, timestamp, activity_id, activity_node_id, activity_type, event, outcomes, message, completed_at)
                VALUES ($instanceId, $sequence, $timestamp, $activityId, $activityNodeId, $activityType, $event, $outcomes, $message, $completedAt)
                """, "$instanceId", "$sequence", "$timestamp", "$activityId", "$activityNodeId", "$activityType", "$event", "$outcomes", "$message", "$completedAt");
            var j = _insertJournal.Parameters;
            j[0].Value = state.InstanceId;
            j[1].Value = row.Sequence;
            j[2].Value = StoreValues.ToUnixMicros(row.Timestamp);
            j[3].Value = row.ActivityId;
            j[4].Value = row.ActivityNodeId;
            j[5].Value = row.ActivityType;
            j[6].Value = row.Event;
            j[7].Value = (object?)row.Outcomes ?? DBNull.Value;
            j[8].Value = (object?)row.Message ?? DBNull.Value;
            j[9].Value = row.CompletedAt is { } completedAt ? StoreValues.ToUnixMicros(completedAt) : DBNull.Value;
            await _insertJournal.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await WriteOutboxAsync(commit.Outbox, state.InstanceId, state.UpdatedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts outbox messages in this transaction; ids already stored are ignored.</summary>
    public async Task WriteOutboxAsync(IReadOnlyList<Engine.Outbox.OutboxMessage> messages, string instanceId, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            _insertOutbox ??= Prepare(SqliteWorkflowStore.InsertOutboxSql, "$id", "$topic", "$payload", "$instanceId", "$availableAt", "$createdAt");
            var o = _insertOutbox.Parameters;
            o[0].Value = message.Id;
            o[1].Value = message.Topic;
            o[2].Value = message.Payload;
            o[3].Value = instanceId;
            o[4].Value = StoreValues.ToUnixMicros(OutboxRows.DueNow);
            o[5].Value = StoreValues.ToUnixMicros(createdAt);
            await _insertOutbox.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _insertInstance?.Command.Dispose();
        _updateInstance?.Command.Dispose();
        _deleteBookmarks?.Command.Dispose();
        _insertBookmark?.Command.Dispose();
        _insertJournal?.Command.Dispose();
        _insertOutbox?.Command.Dispose();
    }

    private Prepared Prepare(string sql, params string[] names)
    {
        var command = SqliteWorkflowStore.Command(_connection, _transaction, sql);
        var parameters = new SqliteParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter(names[i], DBNull.Value));
        }

        command.Prepare();
        return new Prepared(command, parameters);
    }

    private sealed record Prepared(SqliteCommand Command, SqliteParameter[] Parameters);
}
