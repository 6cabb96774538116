using System.Data.Common;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Shared;
using Npgsql;
using static Automation.Persistence.Postgres.PostgresParameters;

namespace Automation.Persistence.Postgres;

/// <summary>
/// The server <see cref="IWorkflowStore"/> on PostgreSQL (Npgsql). Tables live in the connection's current schema, so a
/// <c>Search Path</c> in the connection string selects it. Bulk commits of new instances use binary COPY.
/// </summary>
public sealed partial class PostgresWorkflowStore : IWorkflowStore, IAsyncDisposable, IDisposable
{
    private const string BookmarkColumns = "id, instance_id, activity_id, activity_node_id, name, hash, correlation_id, payload, resume_at, created_at";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly KeyedLocks _localLocks = new();
    private readonly SemaphoreSlim _lockConnections; // never disposed: a lock released after the store's disposal still returns its slot
    private readonly string? _searchSchema;
    private readonly StateCodec _codec;
    private readonly RequestCoalescer<string, StoredState?> _instanceReads;

    /// <summary>Creates the store with its own connection pool.</summary>
    /// <param name="connectionString">An Npgsql connection string; <c>Search Path</c> selects the schema.</param>
    /// <param name="phi">The key ring that encrypts instance state at rest; <c>null</c> stores it as plain JSON.</param>
    public PostgresWorkflowStore(string connectionString, Automation.Engine.Security.PhiProtector? phi = null)
        : this(NpgsqlDataSource.Create(string.IsNullOrWhiteSpace(connectionString) ? throw new ArgumentException("The connection string is empty.", nameof(connectionString)) : connectionString), phi)
    {
        _ownsDataSource = true;
    }

    /// <summary>Creates the store on a connection pool it shares with other stores; the caller disposes the pool.</summary>
    /// <param name="dataSource">The pool; its search path selects the schema.</param>
    /// <param name="phi">The key ring that encrypts instance state at rest; <c>null</c> stores it as plain JSON.</param>
    public PostgresWorkflowStore(NpgsqlDataSource dataSource, Automation.Engine.Security.PhiProtector? phi = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _codec = new StateCodec(phi);
        _instanceReads = new RequestCoalescer<string, StoredState?>(ReadInstancesAsync);
        _searchSchema = PostgresCommands.SearchSchema(dataSource);
        _dataSource = dataSource;

        // A lock holder needs a second connection for its run: were every pooled connection holding a lock, each holder
        // would wait for one that never frees. Half the pool at most holds locks; the rest stays for the runs.
        var poolSize = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        _lockConnections = new SemaphoreSlim(Math.Max(1, poolSize / 2));
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_searchSchema is not null)
        {
            await using var current = Command(connection, null, "SELECT current_schema()");
            if (await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string)
            {
                // The search path names a schema that does not exist yet: create it so the tables do not land elsewhere.
                await using var create = Command(connection, null, "CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(_searchSchema));
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(BatchCommand("SELECT pg_advisory_xact_lock(hashtext('automation.migrate.' || coalesce(current_schema(), '')))"));
            batch.BatchCommands.Add(BatchCommand(PostgresMigrations.CreateMigrationsTable));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = new HashSet<int>();
        await using (var select = Command(connection, transaction, "SELECT version FROM schema_migrations"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var migration in PostgresMigrations.All)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await using (var step = Command(connection, transaction, migration.Sql))
            {
                await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version) VALUES ($1) ON CONFLICT DO NOTHING", Int(migration.Version));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SaveDefinitionAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(BatchCommand("SELECT pg_advisory_xact_lock(hashtext('automation.definition.' || $1))", Text(definition.DefinitionId)));

        if (definition.IsLatest || definition.IsPublished)
        {
            batch.BatchCommands.Add(BatchCommand(
                """
                SELECT id, json, is_latest, is_published FROM definitions
                WHERE definition_id = $1 AND id <> $2 AND (($3 AND is_latest) OR ($4 AND is_published))
                FOR UPDATE
                """,
                Text(definition.DefinitionId), Text(definition.Id), Bool(definition.IsLatest), Bool(definition.IsPublished)));
        }

        var others = new List<(string Id, string Json, bool Latest, bool Published)>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    others.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)));
                }
            }
        }

        batch.BatchCommands.Clear();
        foreach (var other in others)
        {
            var latest = other.Latest && !definition.IsLatest;
            var published = other.Published && !definition.IsPublished;
            batch.BatchCommands.Add(UpdateFlags(other.Id, StoreValues.WithFlags(other.Json, latest, published), latest, published));
        }

        batch.BatchCommands.Add(BatchCommand(
            """
            INSERT INTO definitions (id, definition_id, version, name, is_latest, is_published, created_at, json)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (id) DO UPDATE SET
                definition_id = excluded.definition_id, version = excluded.version, name = excluded.name,
                is_latest = excluded.is_latest, is_published = excluded.is_published,
                created_at = excluded.created_at, json = excluded.json
            """,
            Text(definition.Id),
            Text(definition.DefinitionId),
            Int(definition.Version),
            Text(definition.Name),
            Bool(definition.IsLatest),
            Bool(definition.IsPublished),
            Time(definition.CreatedAt ?? DateTimeOffset.UtcNow),
            Text(WorkflowDefinitionJson.Serialize(definition))));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WorkflowDefinition?> FindDefinitionAsync(string definitionId, VersionOptions versionOptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitionId);
        var filter = versionOptions.Kind switch
        {
            "Published" => "is_published",
            "LatestOrPublished" => "(is_latest OR is_published)",
            "SpecificVersion" => "version = $2",
            _ => "is_latest",
        };
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            $"SELECT json, is_latest, is_published FROM definitions WHERE definition_id = $1 AND {filter} ORDER BY is_latest DESC, version DESC LIMIT 1",
            versionOptions.Kind == "SpecificVersion" ? [Text(definitionId), Int(versionOptions.Version)] : [Text(definitionId)]);
        var list = await StoreReaders.DefinitionsAsync(command, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<WorkflowDefinition?> GetDefinitionVersionAsync(string versionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versionId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT json, is_latest, is_published FROM definitions WHERE id = $1", Text(versionId));
        var list = await StoreReaders.DefinitionsAsync(command, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkflowDefinition>> ListDefinitionsAsync(VersionOptions versionOptions, string? definitionId = null, CancellationToken cancellationToken = default)
    {
        var parameters = new List<NpgsqlParameter>(2);
        var filter = versionOptions.Kind switch
        {
            "Latest" => "d.is_latest",
            "Published" => "d.is_published",
            "LatestOrPublished" => "(d.is_latest OR (d.is_published AND NOT EXISTS (SELECT 1 FROM definitions o WHERE o.definition_id = d.definition_id AND o.is_latest)))",
            "SpecificVersion" => "d.version = $1",
            _ => "true",
        };
        if (versionOptions.Kind == "SpecificVersion")
        {
            parameters.Add(Int(versionOptions.Version));
        }

        if (definitionId is not null)
        {
            parameters.Add(Text(definitionId));
            filter += $" AND d.definition_id = ${parameters.Count}";
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT d.json, d.is_latest, d.is_published FROM definitions d WHERE {filter} ORDER BY d.definition_id, d.version", [.. parameters]);
        return await StoreReaders.DefinitionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> DeleteDefinitionAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitionId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM definitions WHERE definition_id = $1", Text(definitionId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteDefinitionVersionAsync(string versionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versionId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string? definitionId = null;
        var wasLatest = false;
        await using (var delete = Command(connection, transaction, "DELETE FROM definitions WHERE id = $1 RETURNING definition_id, is_latest", Text(versionId)))
        await using (var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                definitionId = reader.GetString(0);
                wasLatest = reader.GetBoolean(1);
            }
        }

        if (definitionId is null)
        {
            return false;
        }

        if (wasLatest)
        {
            (string Id, string Json, bool Published)? newest = null;
            await using (var select = Command(
                connection,
                transaction,
                "SELECT id, json, is_published FROM definitions WHERE definition_id = $1 ORDER BY version DESC LIMIT 1 FOR UPDATE",
                Text(definitionId)))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    newest = (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
                }
            }

            if (newest is { } row)
            {
                await using var batch = new NpgsqlBatch(connection, transaction);
                batch.BatchCommands.Add(UpdateFlags(row.Id, StoreValues.WithFlags(row.Json, true, row.Published), true, row.Published));
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentOutOfRangeException.ThrowIfNegative(commit.ExpectedRevision);
        OutboxRows.Validate(commit.Outbox);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await PostgresCommitWriter.WriteOneAsync(connection, transaction, commit, _codec, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        commit.State.Revision = commit.ExpectedRevision + 1;
    }

    /// <inheritdoc />
    public async Task CommitBatchAsync(IReadOnlyList<WorkflowCommit> commits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commits);
        if (commits.Count == 0)
        {
            return;
        }

        foreach (var commit in commits)
        {
            ArgumentNullException.ThrowIfNull(commit);
            ArgumentOutOfRangeException.ThrowIfNegative(commit.ExpectedRevision);
            OutboxRows.Validate(commit.Outbox);
        }

        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await PostgresCommitWriter.WriteBatchAsync(connection, commits, _codec, cancellationToken).ConfigureAwait(false);
        }

        foreach (var commit in commits)
        {
            commit.State.Revision = commit.ExpectedRevision + 1;
        }
    }

    /// <inheritdoc />
    public async Task<WorkflowState?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);

        // Reads made at the same time (a batch of timers resuming) share one statement; each caller decodes its own.
        if (await _instanceReads.ExecuteAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return null;
        }

        var state = _codec.Decode(instanceId, stored.State);
        state.Revision = stored.Revision;
        return state;
    }

    private async Task<IReadOnlyList<StoredState?>> ReadInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredState>(instanceIds.Count, StringComparer.Ordinal);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = Command(connection, null, "SELECT id, revision, state FROM instances WHERE id = ANY($1)", TextArray([.. instanceIds.Distinct(StringComparer.Ordinal)])))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found[reader.GetString(0)] = new StoredState(reader.GetInt64(1), await reader.GetFieldValueAsync<byte[]>(2, cancellationToken).ConfigureAwait(false));
            }
        }

        return [.. instanceIds.Select(id => found.TryGetValue(id, out var stored) ? stored : null)];
    }

    private sealed record StoredState(long Revision, byte[] State);

    /// <inheritdoc />
    public async Task<InstancePage> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new List<string>(3);
        var values = new List<string>(3);
        if (query.DefinitionId is not null)
        {
            values.Add(query.DefinitionId);
            conditions.Add($"definition_id = ${values.Count}");
        }

        if (query.Status is { } status)
        {
            values.Add(StoreValues.Name(status));
            conditions.Add($"status = ${values.Count}");
        }

        if (query.CorrelationId is not null)
        {
            values.Add(query.CorrelationId);
            conditions.Add($"correlation_id = ${values.Count}");
        }

        var filter = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand("SELECT count(*) FROM instances" + filter, [.. values.Select(Text)]));
        batch.BatchCommands.Add(BatchCommand(
            $"""
            SELECT id, definition_id, definition_version_id, version, status, correlation_id, incident_count, created_at, updated_at, finished_at
            FROM instances{filter} ORDER BY created_at DESC, id DESC LIMIT ${values.Count + 1} OFFSET ${values.Count + 2}
            """,
            [.. values.Select(Text), Int(Math.Max(0, query.Take)), Int(Math.Max(0, query.Skip))]));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<InstanceSummary>(Math.Clamp(query.Take, 0, 1000));
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new InstanceSummary
            {
                Id = reader.GetString(0),
                DefinitionId = reader.GetString(1),
                DefinitionVersionId = reader.GetString(2),
                Version = reader.GetInt32(3),
                Status = StoreValues.ParseStatus(reader.GetString(4)),
                CorrelationId = reader.IsDBNull(5) ? null : reader.GetString(5),
                IncidentCount = reader.GetInt32(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                FinishedAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            });
        }

        return new InstancePage(items, total);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(BatchCommand("DELETE FROM instances WHERE id = $1", Text(instanceId)));
        batch.BatchCommands.Add(BatchCommand("DELETE FROM bookmarks WHERE instance_id = $1", Text(instanceId)));
        batch.BatchCommands.Add(BatchCommand("DELETE FROM journal WHERE instance_id = $1", Text(instanceId)));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return batch.BatchCommands[0].RecordsAffected > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string hash, string? correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = correlationId is null
            ? Command(connection, null, $"SELECT {BookmarkColumns} FROM bookmarks WHERE hash = $1 ORDER BY created_at, id", Text(hash))
            : Command(connection, null, $"SELECT {BookmarkColumns} FROM bookmarks WHERE hash = $1 AND correlation_id = $2 ORDER BY created_at, id", Text(hash), Text(correlationId));
        return await StoreReaders.BookmarksAsync(command, Instant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Bookmark?> GetBookmarkAsync(string bookmarkId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bookmarkId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {BookmarkColumns} FROM bookmarks WHERE id = $1", Text(bookmarkId));
        var list = await StoreReaders.BookmarksAsync(command, Instant, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Bookmark>> ListDueTimersAsync(DateTimeOffset dueBefore, (DateTimeOffset DueAt, string BookmarkId)? after, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = after is { } cursor
            ? Command(connection, null, $"SELECT {BookmarkColumns} FROM bookmarks WHERE resume_at IS NOT NULL AND resume_at <= $1 AND (resume_at, id) > ($2, $3) ORDER BY resume_at, id LIMIT $4",
                Time(dueBefore), Time(cursor.DueAt), Text(cursor.BookmarkId), Int(take))
            : Command(connection, null, $"SELECT {BookmarkColumns} FROM bookmarks WHERE resume_at IS NOT NULL AND resume_at <= $1 ORDER BY resume_at, id LIMIT $2",
                Time(dueBefore), Int(take));
        return await StoreReaders.BookmarksAsync(command, Instant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT min(resume_at) FROM bookmarks WHERE resume_at IS NOT NULL");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime due
            ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc))
            : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, int skip = 0, int take = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var (after, through) = JournalRows.SequenceRange(skip, take);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            $$"""
            SELECT {{JournalRows.Columns}}
            FROM journal WHERE instance_id = $1 AND sequence >= $2 AND sequence <= $3 ORDER BY sequence
            """,
            Text(instanceId),
            Long(after),
            Long(through));
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            JournalRows.Expand(JournalRows.Read(reader, static (r, i) => r.GetFieldValue<DateTimeOffset>(i)), after, through, entries);
        }

        return entries;
    }

    /// <inheritdoc />
    public async Task EnqueueStimulusAsync(Stimulus stimulus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            "INSERT INTO stimuli (id, hash, correlation_id, input, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            Text(stimulus.Id),
            Text(stimulus.Hash),
            Text(stimulus.CorrelationId),
            Text(stimulus.Input is null ? null : WorkflowStateJson.SerializeValue(stimulus.Input)),
            Time(stimulus.CreatedAt),
            Time(stimulus.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindStimulusHashesAsync(IReadOnlyCollection<string> hashes, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (hashes.Count == 0)
        {
            return found;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT DISTINCT hash FROM stimuli WHERE hash = ANY($1) AND expires_at >= $2",
            new NpgsqlParameter<string[]> { TypedValue = [.. hashes] }, Time(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<Stimulus?> TakeStimulusAsync(string hash, string? correlationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var match = correlationId is null ? "" : " AND (correlation_id IS NULL OR correlation_id = $3)";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(BatchCommand("DELETE FROM stimuli WHERE expires_at < $1", Time(now)));
        batch.BatchCommands.Add(BatchCommand(
            $"""
            DELETE FROM stimuli WHERE id = (
                SELECT id FROM stimuli WHERE hash = $1 AND expires_at >= $2{match}
                ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, hash, correlation_id, input, created_at, expires_at
            """,
            correlationId is null ? [Text(hash), Time(now)] : [Text(hash), Time(now), Text(correlationId)]));

        Stimulus? taken = null;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                taken = new Stimulus
                {
                    Id = reader.GetString(0),
                    Hash = reader.GetString(1),
                    CorrelationId = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Input = WorkflowStateJson.DeserializeValue(reader.IsDBNull(3) ? null : reader.GetString(3)),
                    CreatedAt = reader.GetFieldValue<DateTimeOffset>(4),
                    ExpiresAt = reader.GetFieldValue<DateTimeOffset>(5),
                };
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return taken;
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable> LockInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);

        // Waiters in this process queue in memory; only the holder takes a connection for the advisory lock.
        var local = await _localLocks.AcquireAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var slot = false;
        NpgsqlConnection? connection = null;
        try
        {
            await _lockConnections.WaitAsync(cancellationToken).ConfigureAwait(false);
            slot = true;
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = Command(connection, null, "SELECT pg_advisory_lock(hashtextextended($1, 0))", Text(instanceId)))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new AdvisoryLock(connection, instanceId, local, _lockConnections);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            if (slot)
            {
                _lockConnections.Release();
            }

            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteStimulusAsync(string stimulusId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulusId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM stimuli WHERE id = $1", Text(stimulusId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Closes the connection pool if the store owns it.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Closes the connection pool if the store owns it.</summary>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private sealed class AdvisoryLock(NpgsqlConnection connection, string instanceId, IAsyncDisposable local, SemaphoreSlim slots) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = Command(connection, null, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", Text(instanceId));
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            finally
            {
                // Closing the session also releases the lock should the unlock fail.
                try
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                    await local.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static NpgsqlBatchCommand UpdateFlags(string id, string json, bool latest, bool published) =>
        BatchCommand("UPDATE definitions SET is_latest = $2, is_published = $3, json = $4 WHERE id = $1", Text(id), Bool(latest), Bool(published), Text(json));

    private static DateTimeOffset Instant(System.Data.Common.DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);
}
