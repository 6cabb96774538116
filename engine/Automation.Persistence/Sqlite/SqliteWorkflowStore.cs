using System.Data.Common;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Execution;
using Automation.Engine.Persistence;
using Automation.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Sqlite;

/// <summary>
/// The embedded <see cref="IWorkflowStore"/> on one SQLite file (WAL mode). Every write runs in an immediate
/// transaction, so concurrent writers queue on the file lock instead of failing on a lock upgrade.
/// </summary>
public sealed partial class SqliteWorkflowStore : IWorkflowStore
{
    private const string ConnectionPragmas = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";
    private const string BookmarkColumns = "id, instance_id, activity_id, activity_node_id, name, hash, correlation_id, payload, resume_at, created_at";
    private const string DefinitionColumns = "json, is_latest, is_published";

    // Shared by every store instance in the process, so two stores on one file still exclude each other.
    private static readonly KeyedLocks InstanceLocks = new();

    private readonly string _connectionString;
    private readonly string _dataSourcePath;
    private readonly StateCodec _codec;
    private int _walEnabled;

    /// <summary>Creates the store. The folder of the database file is created when missing.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=data/automation.db</c>.</param>
    /// <param name="phi">The key ring that encrypts instance state at rest; <c>null</c> stores it as plain JSON.</param>
    public SqliteWorkflowStore(string connectionString, Automation.Engine.Security.PhiProtector? phi = null)
    {
        _codec = new StateCodec(phi);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (!string.IsNullOrEmpty(dataSource)
            && builder.Mode != SqliteOpenMode.Memory
            && dataSource != ":memory:"
            && !dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        _connectionString = builder.ToString();
        _dataSourcePath = Path.GetFullPath(builder.DataSource);
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction, SqliteMigrations.CreateMigrationsTable, cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<long>();
        await using (var select = Command(connection, transaction, "SELECT version FROM schema_migrations"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt64(0));
            }
        }

        foreach (var migration in SqliteMigrations.All)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES ($version, $at)");
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(DateTimeOffset.UtcNow));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SaveDefinitionAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);

        if (definition.IsLatest || definition.IsPublished)
        {
            var others = new List<(string Id, string Json, bool Latest, bool Published)>();
            await using (var select = Command(connection, transaction, """
                SELECT id, json, is_latest, is_published FROM definitions
                WHERE definition_id = $definitionId AND id <> $id
                  AND (($latest = 1 AND is_latest = 1) OR ($published = 1 AND is_published = 1))
                """))
            {
                select.Parameters.AddWithValue("$definitionId", definition.DefinitionId);
                select.Parameters.AddWithValue("$id", definition.Id);
                select.Parameters.AddWithValue("$latest", definition.IsLatest ? 1 : 0);
                select.Parameters.AddWithValue("$published", definition.IsPublished ? 1 : 0);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    others.Add((reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3)));
                }
            }

            foreach (var other in others)
            {
                var latest = other.Latest && !definition.IsLatest;
                var published = other.Published && !definition.IsPublished;
                await UpdateFlagsAsync(connection, transaction, other.Id, StoreValues.WithFlags(other.Json, latest, published), latest, published, cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var upsert = Command(connection, transaction, """
            INSERT INTO definitions (id, definition_id, version, name, is_latest, is_published, created_at, json)
            VALUES ($id, $definitionId, $version, $name, $latest, $published, $createdAt, $json)
            ON CONFLICT (id) DO UPDATE SET
                definition_id = excluded.definition_id, version = excluded.version, name = excluded.name,
                is_latest = excluded.is_latest, is_published = excluded.is_published,
                created_at = excluded.created_at, json = excluded.json
            """))
        {
            upsert.Parameters.AddWithValue("$id", definition.Id);
            upsert.Parameters.AddWithValue("$definitionId", definition.DefinitionId);
            upsert.Parameters.AddWithValue("$version", definition.Version);
            upsert.Parameters.AddWithValue("$name", (object?)definition.Name ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$latest", definition.IsLatest ? 1 : 0);
            upsert.Parameters.AddWithValue("$published", definition.IsPublished ? 1 : 0);
            upsert.Parameters.AddWithValue("$createdAt", StoreValues.ToUnixMicros(definition.CreatedAt ?? DateTimeOffset.UtcNow));
            upsert.Parameters.AddWithValue("$json", WorkflowDefinitionJson.Serialize(definition));
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WorkflowDefinition?> FindDefinitionAsync(string definitionId, VersionOptions versionOptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitionId);
        var filter = versionOptions.Kind switch
        {
            "Published" => "is_published = 1",
            "LatestOrPublished" => "(is_latest = 1 OR is_published = 1)",
            "SpecificVersion" => "version = $version",
            _ => "is_latest = 1",
        };
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {DefinitionColumns} FROM definitions WHERE definition_id = $definitionId AND {filter} ORDER BY is_latest DESC, version DESC LIMIT 1");
        command.Parameters.AddWithValue("$definitionId", definitionId);
        command.Parameters.AddWithValue("$version", versionOptions.Version);
        var list = await StoreReaders.DefinitionsAsync(command, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<WorkflowDefinition?> GetDefinitionVersionAsync(string versionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {DefinitionColumns} FROM definitions WHERE id = $id");
        command.Parameters.AddWithValue("$id", versionId);
        var list = await StoreReaders.DefinitionsAsync(command, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkflowDefinition>> ListDefinitionsAsync(VersionOptions versionOptions, string? definitionId = null, CancellationToken cancellationToken = default)
    {
        var filter = versionOptions.Kind switch
        {
            "Latest" => "d.is_latest = 1",
            "Published" => "d.is_published = 1",
            "LatestOrPublished" => "(d.is_latest = 1 OR (d.is_published = 1 AND NOT EXISTS (SELECT 1 FROM definitions o WHERE o.definition_id = d.definition_id AND o.is_latest = 1)))",
            "SpecificVersion" => "d.version = $version",
            _ => "1 = 1",
        };
        if (definitionId is not null)
        {
            filter += " AND d.definition_id = $definitionId";
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT d.json, d.is_latest, d.is_published FROM definitions d WHERE {filter} ORDER BY d.definition_id, d.version");
        command.Parameters.AddWithValue("$definitionId", (object?)definitionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$version", versionOptions.Version);
        return await StoreReaders.DefinitionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> DeleteDefinitionAsync(string definitionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM definitions WHERE definition_id = $definitionId");
        command.Parameters.AddWithValue("$definitionId", definitionId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteDefinitionVersionAsync(string versionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versionId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        string? definitionId = null;
        var wasLatest = false;
        await using (var delete = Command(connection, transaction, "DELETE FROM definitions WHERE id = $id RETURNING definition_id, is_latest"))
        {
            delete.Parameters.AddWithValue("$id", versionId);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
            await using (var select = Command(connection, transaction, "SELECT id, json, is_published FROM definitions WHERE definition_id = $definitionId ORDER BY version DESC LIMIT 1"))
            {
                select.Parameters.AddWithValue("$definitionId", definitionId);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    newest = (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
                }
            }

            if (newest is { } row)
            {
                await UpdateFlagsAsync(connection, transaction, row.Id, StoreValues.WithFlags(row.Json, true, row.Published), true, row.Published, cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public Task CommitAsync(WorkflowCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return CommitBatchAsync([commit], cancellationToken);
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

        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = connection.BeginTransaction(deferred: false))
        {
            using var writer = new SqliteCommitWriter(connection, transaction, _codec);
            foreach (var commit in commits)
            {
                await writer.WriteAsync(commit, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT revision, state FROM instances WHERE id = $id");
        command.Parameters.AddWithValue("$id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var state = _codec.Decode(instanceId, reader.GetFieldValue<byte[]>(1));
        state.Revision = reader.GetInt64(0);
        return state;
    }

    /// <inheritdoc />
    public async Task<InstancePage> ListInstancesAsync(InstanceQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>(3);
        if (query.DefinitionId is not null)
        {
            where.Add("definition_id = $definitionId");
        }

        if (query.Status is not null)
        {
            where.Add("status = $status");
        }

        if (query.CorrelationId is not null)
        {
            where.Add("correlation_id = $correlationId");
        }

        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);

        long total;
        await using (var count = Command(connection, transaction, "SELECT COUNT(*) FROM instances" + filter))
        {
            AddInstanceFilter(count, query);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        }

        var items = new List<InstanceSummary>(Math.Clamp(query.Take, 0, 1000));
        if (query.Take > 0)
        {
            await using var select = Command(connection, transaction, $"""
                SELECT id, definition_id, definition_version_id, version, status, correlation_id, incident_count, created_at, updated_at, finished_at
                FROM instances{filter} ORDER BY created_at DESC, id DESC LIMIT $take OFFSET $skip
                """);
            AddInstanceFilter(select, query);
            select.Parameters.AddWithValue("$take", query.Take);
            select.Parameters.AddWithValue("$skip", Math.Max(0, query.Skip));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
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
                    CreatedAt = StoreValues.FromUnixMicros(reader.GetInt64(7)),
                    UpdatedAt = StoreValues.FromUnixMicros(reader.GetInt64(8)),
                    FinishedAt = reader.IsDBNull(9) ? null : StoreValues.FromUnixMicros(reader.GetInt64(9)),
                });
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new InstancePage(items, total);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        int deleted;
        await using (var instance = Command(connection, transaction, "DELETE FROM instances WHERE id = $id"))
        {
            instance.Parameters.AddWithValue("$id", instanceId);
            deleted = await instance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var children = Command(connection, transaction, "DELETE FROM bookmarks WHERE instance_id = $id; DELETE FROM journal WHERE instance_id = $id;"))
        {
            children.Parameters.AddWithValue("$id", instanceId);
            await children.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Bookmark>> FindBookmarksAsync(string hash, string? correlationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = correlationId is null
            ? $"SELECT {BookmarkColumns} FROM bookmarks WHERE hash = $hash ORDER BY created_at, id"
            : $"SELECT {BookmarkColumns} FROM bookmarks WHERE hash = $hash AND correlation_id = $correlationId ORDER BY created_at, id";
        await using var command = Command(connection, null, sql);
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$correlationId", (object?)correlationId ?? DBNull.Value);
        return await StoreReaders.BookmarksAsync(command, Instant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Bookmark?> GetBookmarkAsync(string bookmarkId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bookmarkId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {BookmarkColumns} FROM bookmarks WHERE id = $id");
        command.Parameters.AddWithValue("$id", bookmarkId);
        var list = await StoreReaders.BookmarksAsync(command, Instant, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Bookmark>> ListDueTimersAsync(DateTimeOffset dueBefore, (DateTimeOffset DueAt, string BookmarkId)? after, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = after is null
            ? $"SELECT {BookmarkColumns} FROM bookmarks WHERE resume_at IS NOT NULL AND resume_at <= $due ORDER BY resume_at, id LIMIT $take"
            : $"SELECT {BookmarkColumns} FROM bookmarks WHERE resume_at IS NOT NULL AND resume_at <= $due AND (resume_at, id) > ($afterDue, $afterId) ORDER BY resume_at, id LIMIT $take";
        await using var command = Command(connection, null, sql);
        command.Parameters.AddWithValue("$due", StoreValues.ToUnixMicros(dueBefore));
        command.Parameters.AddWithValue("$take", take);
        if (after is { } cursor)
        {
            command.Parameters.AddWithValue("$afterDue", StoreValues.ToUnixMicros(cursor.DueAt));
            command.Parameters.AddWithValue("$afterId", cursor.BookmarkId);
        }

        return await StoreReaders.BookmarksAsync(command, Instant, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> NextTimerDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT min(resume_at) FROM bookmarks WHERE resume_at IS NOT NULL");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long micros ? StoreValues.FromUnixMicros(micros) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, int skip = 0, int take = int.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        var (after, through) = JournalRows.SequenceRange(skip, take);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $$"""
            SELECT {{JournalRows.Columns}}
            FROM journal WHERE instance_id = $id AND sequence >= $after AND sequence <= $through ORDER BY sequence
            """);
        command.Parameters.AddWithValue("$id", instanceId);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$through", through);
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            JournalRows.Expand(JournalRows.Read(reader, static (r, i) => StoreValues.FromUnixMicros(r.GetInt64(i))), after, through, entries);
        }

        return entries;
    }

    /// <inheritdoc />
    public async Task EnqueueStimulusAsync(Stimulus stimulus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            INSERT INTO stimuli (id, hash, correlation_id, input, created_at, expires_at)
            VALUES ($id, $hash, $correlationId, $input, $createdAt, $expiresAt)
            """);
        command.Parameters.AddWithValue("$id", stimulus.Id);
        command.Parameters.AddWithValue("$hash", stimulus.Hash);
        command.Parameters.AddWithValue("$correlationId", (object?)stimulus.CorrelationId ?? DBNull.Value);
        command.Parameters.AddWithValue("$input", stimulus.Input is null ? DBNull.Value : WorkflowStateJson.SerializeValue(stimulus.Input));
        command.Parameters.AddWithValue("$createdAt", StoreValues.ToUnixMicros(stimulus.CreatedAt));
        command.Parameters.AddWithValue("$expiresAt", StoreValues.ToUnixMicros(stimulus.ExpiresAt));
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

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT DISTINCT hash FROM stimuli WHERE hash IN (SELECT value FROM json_each($hashes)) AND expires_at >= $now");
        command.Parameters.AddWithValue("$hashes", System.Text.Json.JsonSerializer.Serialize(hashes));
        command.Parameters.AddWithValue("$now", StoreValues.ToUnixMicros(now));
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
        var match = correlationId is null ? "" : " AND (correlation_id IS NULL OR correlation_id = $correlationId)";
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var purge = Command(connection, transaction, "DELETE FROM stimuli WHERE expires_at < $now"))
        {
            purge.Parameters.AddWithValue("$now", StoreValues.ToUnixMicros(now));
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        Stimulus? taken = null;
        await using (var take = Command(connection, transaction, $"""
            DELETE FROM stimuli WHERE id = (
                SELECT id FROM stimuli WHERE hash = $hash{match} ORDER BY created_at, id LIMIT 1)
            RETURNING id, hash, correlation_id, input, created_at, expires_at
            """))
        {
            take.Parameters.AddWithValue("$hash", hash);
            take.Parameters.AddWithValue("$correlationId", (object?)correlationId ?? DBNull.Value);
            await using var reader = await take.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                taken = new Stimulus
                {
                    Id = reader.GetString(0),
                    Hash = reader.GetString(1),
                    CorrelationId = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Input = WorkflowStateJson.DeserializeValue(reader.IsDBNull(3) ? null : reader.GetString(3)),
                    CreatedAt = StoreValues.FromUnixMicros(reader.GetInt64(4)),
                    ExpiresAt = StoreValues.FromUnixMicros(reader.GetInt64(5)),
                };
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return taken;
    }

    /// <inheritdoc />
    public Task<IAsyncDisposable> LockInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return InstanceLocks.AcquireAsync(_dataSourcePath + "\n" + instanceId, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteStimulusAsync(string stimulusId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulusId);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM stimuli WHERE id = $id");
        command.Parameters.AddWithValue("$id", stimulusId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var pragmas = Volatile.Read(ref _walEnabled) == 0 ? "PRAGMA journal_mode=WAL; " + ConnectionPragmas : ConnectionPragmas;
            await ExecuteAsync(connection, null, pragmas, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _walEnabled, 1);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task UpdateFlagsAsync(SqliteConnection connection, SqliteTransaction transaction, string id, string json, bool latest, bool published, CancellationToken cancellationToken)
    {
        await using var update = Command(connection, transaction, "UPDATE definitions SET is_latest = $latest, is_published = $published, json = $json WHERE id = $id");
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$latest", latest ? 1 : 0);
        update.Parameters.AddWithValue("$published", published ? 1 : 0);
        update.Parameters.AddWithValue("$json", json);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddInstanceFilter(SqliteCommand command, InstanceQuery query)
    {
        command.Parameters.AddWithValue("$definitionId", (object?)query.DefinitionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", query.Status is { } status ? StoreValues.Name(status) : DBNull.Value);
        command.Parameters.AddWithValue("$correlationId", (object?)query.CorrelationId ?? DBNull.Value);
    }

    private static DateTimeOffset Instant(System.Data.Common.DbDataReader reader, int ordinal) => StoreValues.FromUnixMicros(reader.GetInt64(ordinal));
}
