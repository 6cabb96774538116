using Automation.Engine.Audit;
using Automation.Persistence.Shared;
using Automation.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Audit;

/// <summary>The audit log in the embedded SQLite file. Appends run in immediate transactions with
/// <c>synchronous=FULL</c>, so an acknowledged record survives a power loss, not only a process crash. Triggers refuse
/// updates and deletes of records outside the retention purge; that stops mistakes, not someone who drops them, which
/// is what the hash chain is for.</summary>
internal sealed class SqliteAuditLog : AuditLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_records (
            sequence INTEGER PRIMARY KEY NOT NULL,
            time INTEGER NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            result TEXT NOT NULL,
            instance_id TEXT NULL,
            message_id TEXT NULL,
            patient_hash TEXT NULL,
            policy TEXT NULL,
            method TEXT NULL,
            tls_protocol TEXT NULL,
            tls_cipher TEXT NULL,
            details TEXT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_audit_records_time ON audit_records (time);
        CREATE INDEX IF NOT EXISTS ix_audit_records_queued_by ON audit_records (actor, message_id) WHERE action = 'message.queued';
        CREATE INDEX IF NOT EXISTS ix_audit_records_message_outcomes ON audit_records (message_id)
            WHERE action IN ('message.queued', 'message.delivered', 'message.bounced');
        CREATE TABLE IF NOT EXISTS audit_head (
            id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
            sequence INTEGER NOT NULL,
            hash TEXT NOT NULL);
        INSERT OR IGNORE INTO audit_head (id, sequence, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
        CREATE TABLE IF NOT EXISTS audit_purged (
            first_sequence INTEGER PRIMARY KEY NOT NULL,
            last_sequence INTEGER NOT NULL,
            last_hash TEXT NOT NULL,
            purge_sequence INTEGER NOT NULL,
            purged_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS audit_legal_holds (
            id TEXT PRIMARY KEY NOT NULL,
            reason TEXT NOT NULL,
            from_time INTEGER NULL,
            to_time INTEGER NULL,
            instance_id TEXT NULL,
            patient_hash TEXT NULL,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS audit_purge_marker (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1));
        CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit_records is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records
        WHEN NOT EXISTS (SELECT 1 FROM audit_purge_marker)
        BEGIN SELECT RAISE(ABORT, 'audit_records is append-only; records leave only through the retention purge'); END;
        """;

    // The actions are literals so the planner matches the partial indexes above: the page of the actor's messages from
    // one, their records from the other.
    private const string MessagesQueuedBySql = $"""
        SELECT {AuditColumns.Select} FROM (
            SELECT r.*, row_number() OVER (PARTITION BY r.message_id, r.action ORDER BY r.sequence) AS nth
            FROM (SELECT DISTINCT message_id FROM audit_records
                  WHERE action = 'message.queued' AND actor = $actor AND message_id > $after ORDER BY message_id LIMIT $take) AS page
            JOIN audit_records r ON r.message_id = page.message_id
            WHERE r.action IN ('message.queued', 'message.delivered', 'message.bounced') AND (r.action <> 'message.queued' OR r.actor = $actor)
        ) AS firsts
        WHERE nth = 1 ORDER BY message_id, sequence
        """;

    private const string HoldColumns = "id, reason, from_time, to_time, instance_id, patient_hash, created_by, created_at";

    private readonly string connectionString;

    public SqliteAuditLog(string connectionString, TimeProvider? timeProvider)
        : base(timeProvider) => this.connectionString = SqliteCommands.Prepare(connectionString);

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "PRAGMA journal_mode=WAL; " + Schema);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {AuditColumns.Select} FROM audit_records WHERE sequence > $after ORDER BY sequence LIMIT $take");
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$take", take);
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<AuditRecord>> ReadMessagesQueuedByCoreAsync(string actor, string afterMessageId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, MessagesQueuedBySql);
        command.Parameters.AddWithValue("$actor", actor);
        command.Parameters.AddWithValue("$after", afterMessageId);
        command.Parameters.AddWithValue("$take", take);
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            SELECT {AuditColumns.Select} FROM audit_records
            WHERE time >= $from AND time < $to AND sequence > $after ORDER BY sequence LIMIT $take
            """);
        command.Parameters.AddWithValue("$from", StoreValues.ToUnixMicros(from));
        command.Parameters.AddWithValue("$to", StoreValues.ToUnixMicros(to));
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$take", take);
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<AuditCheckpoint> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadHeadAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<AuditPurgedRange>> ListPurgedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT first_sequence, last_sequence, last_hash, purge_sequence FROM audit_purged ORDER BY first_sequence");
        var ranges = new List<AuditPurgedRange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ranges.Add(new AuditPurgedRange(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return ranges;
    }

    private protected override async Task<IReadOnlyList<AuditRecord>> WriteBatchAsync(IReadOnlyList<AuditEntry> entries, DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var head = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var records = AuditChain.Extend(head, time, entries);
        await InsertAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return records;
    }

    private protected override async Task<long> PurgeCoreAsync(DateTimeOffset before, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var head = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var deleted = new List<(long Sequence, string Hash)>();
        await using (var open = Command(connection, transaction, "INSERT INTO audit_purge_marker (id) VALUES (1)"))
        {
            await open.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Records that vouch for earlier purges stay, or those purges could no longer be told from deletions.
        await using (var delete = Command(connection, transaction, """
            DELETE FROM audit_records AS r
            WHERE r.time < $before
              AND r.sequence NOT IN (SELECT purge_sequence FROM audit_purged)
              AND NOT EXISTS (
                SELECT 1 FROM audit_legal_holds h
                WHERE (h.from_time IS NULL OR r.time >= h.from_time)
                  AND (h.to_time IS NULL OR r.time < h.to_time)
                  AND (h.instance_id IS NULL OR h.instance_id = r.instance_id)
                  AND (h.patient_hash IS NULL OR h.patient_hash = r.patient_hash))
            RETURNING sequence, hash
            """))
        {
            delete.Parameters.AddWithValue("$before", StoreValues.ToUnixMicros(before));
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                deleted.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        var ranges = ToRanges(deleted, head.Sequence + 1);
        await using (var insert = Command(connection, transaction, """
            INSERT INTO audit_purged (first_sequence, last_sequence, last_hash, purge_sequence, purged_at)
            VALUES ($first, $last, $hash, $purge, $at)
            """))
        {
            var first = insert.Parameters.Add(new SqliteParameter("$first", DBNull.Value));
            var last = insert.Parameters.Add(new SqliteParameter("$last", DBNull.Value));
            var hash = insert.Parameters.Add(new SqliteParameter("$hash", DBNull.Value));
            insert.Parameters.AddWithValue("$purge", head.Sequence + 1);
            insert.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(now));
            foreach (var range in ranges)
            {
                first.Value = range.FirstSequence;
                last.Value = range.LastSequence;
                hash.Value = range.LastHash;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var close = Command(connection, transaction, "DELETE FROM audit_purge_marker"))
        {
            await close.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertAsync(connection, transaction, AuditChain.Extend(head, now, [PurgeEntry(actor, before, ranges, deleted.Count)]), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted.Count;
    }

    private protected override async Task<bool> AddHoldCoreAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"INSERT INTO audit_legal_holds ({HoldColumns}) VALUES ($id, $reason, $from, $to, $instanceId, $patientHash, $createdBy, $createdAt) ON CONFLICT (id) DO NOTHING");
        command.Parameters.AddWithValue("$id", hold.Id);
        command.Parameters.AddWithValue("$reason", hold.Reason);
        command.Parameters.AddWithValue("$from", hold.From is { } from ? StoreValues.ToUnixMicros(from) : DBNull.Value);
        command.Parameters.AddWithValue("$to", hold.To is { } to ? StoreValues.ToUnixMicros(to) : DBNull.Value);
        command.Parameters.AddWithValue("$instanceId", Db(hold.InstanceId));
        command.Parameters.AddWithValue("$patientHash", Db(hold.PatientHash));
        command.Parameters.AddWithValue("$createdBy", hold.CreatedBy);
        command.Parameters.AddWithValue("$createdAt", StoreValues.ToUnixMicros(hold.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private protected override async Task<bool> RemoveHoldCoreAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM audit_legal_holds WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private protected override async Task<IReadOnlyList<LegalHold>> ListHoldsCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {HoldColumns} FROM audit_legal_holds ORDER BY id");
        var holds = new List<LegalHold>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            holds.Add(new LegalHold
            {
                Id = reader.GetString(0),
                Reason = reader.GetString(1),
                From = reader.IsDBNull(2) ? null : StoreValues.FromUnixMicros(reader.GetInt64(2)),
                To = reader.IsDBNull(3) ? null : StoreValues.FromUnixMicros(reader.GetInt64(3)),
                InstanceId = reader.IsDBNull(4) ? null : reader.GetString(4),
                PatientHash = reader.IsDBNull(5) ? null : reader.GetString(5),
                CreatedBy = reader.GetString(6),
                CreatedAt = StoreValues.FromUnixMicros(reader.GetInt64(7)),
            });
        }

        return holds;
    }

    private protected override ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private static object Db(string? value) => (object?)value ?? DBNull.Value;

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql) => SqliteWorkflowStore.Command(connection, transaction, sql);

    // Inserts chained records and moves the head, inside the caller's immediate transaction.
    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        await using (var insert = Command(connection, transaction, $"""
            INSERT INTO audit_records ({AuditColumns.Select})
            VALUES ($sequence, $time, $action, $actor, $result, $instanceId, $messageId, $patientHash, $policy, $method, $tlsProtocol, $tlsCipher, $details, $previousHash, $hash)
            """))
        {
            string[] names = ["$sequence", "$time", "$action", "$actor", "$result", "$instanceId", "$messageId", "$patientHash", "$policy", "$method", "$tlsProtocol", "$tlsCipher", "$details", "$previousHash", "$hash"];
            var p = names.Select(name => insert.Parameters.Add(new SqliteParameter(name, DBNull.Value))).ToArray();
            insert.Prepare();
            foreach (var record in records)
            {
                var e = record.Entry;
                p[0].Value = record.Sequence;
                p[1].Value = StoreValues.ToUnixMicros(record.Time);
                p[2].Value = e.Action;
                p[3].Value = e.Actor;
                p[4].Value = e.Result;
                p[5].Value = Db(e.InstanceId);
                p[6].Value = Db(e.MessageId);
                p[7].Value = Db(e.PatientHash);
                p[8].Value = Db(e.Policy);
                p[9].Value = Db(e.Method);
                p[10].Value = Db(e.TlsProtocol);
                p[11].Value = Db(e.TlsCipher);
                p[12].Value = Db(AuditDetails.Serialize(e.Details));
                p[13].Value = record.PreviousHash;
                p[14].Value = record.Hash;
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var update = Command(connection, transaction, "UPDATE audit_head SET sequence = $sequence, hash = $hash WHERE id = 1");
        update.Parameters.AddWithValue("$sequence", records[^1].Sequence);
        update.Parameters.AddWithValue("$hash", records[^1].Hash);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AuditCheckpoint> ReadHeadAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT sequence, hash FROM audit_head WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new AuditCheckpoint(reader.GetInt64(0), reader.GetString(1))
            : throw new InvalidOperationException("The audit log is not migrated: call MigrateAsync first.");
    }

    private static async Task<IReadOnlyList<AuditRecord>> ReadRecordsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(AuditColumns.Read(reader, (r, i) => StoreValues.FromUnixMicros(r.GetInt64(i))));
        }

        return records;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = Command(connection, null, "PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;");
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
