using Automation.Engine.Audit;
using Npgsql;
using static Automation.Persistence.Postgres.PostgresParameters;

namespace Automation.Persistence.Audit;

/// <summary>
/// The audit log in PostgreSQL. Several server processes may append to one database: each append transaction takes
/// a transaction-scoped advisory lock on the log and reads the head inside it, so sequence numbers stay gap-free and
/// the chain stays linear across processes. Rows go in with one <c>unnest</c> insert per batch. A trigger refuses
/// updates, deletes and truncation of records outside the retention purge (which sets a transaction-local flag); that
/// stops mistakes, not someone who drops it, which is what the hash chain is for.
/// </summary>
internal sealed class PostgresAuditLog : AuditLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_records (
            sequence bigint PRIMARY KEY,
            time timestamptz NOT NULL,
            action text NOT NULL,
            actor text NOT NULL,
            result text NOT NULL,
            instance_id text NULL,
            message_id text NULL,
            patient_hash text NULL,
            policy text NULL,
            method text NULL,
            tls_protocol text NULL,
            tls_cipher text NULL,
            details text NULL,
            previous_hash text NOT NULL,
            hash text NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_audit_records_time ON audit_records (time);
        CREATE INDEX IF NOT EXISTS ix_audit_records_queued_by ON audit_records (actor, message_id) WHERE action = 'message.queued';
        CREATE INDEX IF NOT EXISTS ix_audit_records_message_outcomes ON audit_records (message_id)
            WHERE action IN ('message.queued', 'message.delivered', 'message.bounced');
        CREATE TABLE IF NOT EXISTS audit_head (
            id integer PRIMARY KEY CHECK (id = 1),
            sequence bigint NOT NULL,
            hash text NOT NULL);
        INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000') ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS audit_purged (
            first_sequence bigint PRIMARY KEY,
            last_sequence bigint NOT NULL,
            last_hash text NOT NULL,
            purge_sequence bigint NOT NULL,
            purged_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS audit_legal_holds (
            id text PRIMARY KEY,
            reason text NOT NULL,
            from_time timestamptz NULL,
            to_time timestamptz NULL,
            instance_id text NULL,
            patient_hash text NULL,
            created_by text NOT NULL,
            created_at timestamptz NOT NULL);
        CREATE OR REPLACE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP = 'DELETE' AND current_setting('automation.audit_purge', true) = 'on' THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION 'audit_records is append-only (%); records leave only through the retention purge', TG_OP;
        END
        $fn$;
        CREATE OR REPLACE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records
            FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
        CREATE OR REPLACE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
            FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();
        """;

    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtextextended('automation.audit.' || coalesce(current_schema(), ''), 0))";
    private const string HeadSql = "SELECT sequence, hash FROM audit_head WHERE id = 1";
    private const string HoldColumns = "id, reason, from_time, to_time, instance_id, patient_hash, created_by, created_at";

    private const string InsertSql = $"""
        INSERT INTO audit_records ({AuditColumns.Select})
        SELECT r.sequence, $2, r.action, r.actor, r.result, r.instance_id, r.message_id, r.patient_hash, r.policy, r.method,
               r.tls_protocol, r.tls_cipher, r.details, r.previous_hash, r.hash
        FROM unnest($1::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
            AS r(sequence, action, actor, result, instance_id, message_id, patient_hash, policy, method, tls_protocol, tls_cipher, details, previous_hash, hash)
        """;

    // The actions are literals so the planner matches the partial indexes above: the page of the actor's messages from
    // one, their records from the other. The lateral DISTINCT ON keeps the lookups per message: as a plain join the
    // planner chose a hash join over a scan of every message record.
    private const string MessagesQueuedBySql = $"""
        SELECT {AuditColumns.Select} FROM (
            SELECT DISTINCT message_id AS page_message_id FROM audit_records
            WHERE action = 'message.queued' AND actor = $1 AND message_id > $2 ORDER BY message_id LIMIT $3) AS page
        CROSS JOIN LATERAL (
            SELECT DISTINCT ON (r.action) r.* FROM audit_records r
            WHERE r.message_id = page.page_message_id AND r.action IN ('message.queued', 'message.delivered', 'message.bounced')
              AND (r.action <> 'message.queued' OR r.actor = $1)
            ORDER BY r.action, r.sequence) AS firsts
        ORDER BY message_id, sequence
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;
    private readonly string? searchSchema;

    /// <summary>Creates the log on <paramref name="dataSource"/>, disposing it with the log when it owns it.</summary>
    public PostgresAuditLog(NpgsqlDataSource dataSource, bool ownsDataSource, TimeProvider? timeProvider)
        : base(timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        searchSchema = Postgres.PostgresCommands.SearchSchema(dataSource);
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
    }

    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (searchSchema is not null)
        {
            await using var current = Command(connection, null, "SELECT current_schema()");
            if (await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string)
            {
                // The search path names a schema that does not exist yet: create it so the tables do not land elsewhere.
                await using var create = Command(connection, null, "CREATE SCHEMA IF NOT EXISTS \"" + searchSchema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, LockSql + ";\n" + Schema))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<AuditRecord>> ReadAsync(long afterSequence, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {AuditColumns.Select} FROM audit_records WHERE sequence > $1 ORDER BY sequence LIMIT $2", Long(afterSequence), Int(take));
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<IReadOnlyList<AuditRecord>> ReadMessagesQueuedByCoreAsync(string actor, string afterMessageId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, MessagesQueuedBySql, Text(actor), Text(afterMessageId), Int(take));
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<AuditRecord>> ReadRangeAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            SELECT {AuditColumns.Select} FROM audit_records
            WHERE time >= $1 AND time < $2 AND sequence > $3 ORDER BY sequence LIMIT $4
            """, Time(from), Time(to), Long(afterSequence), Int(take));
        return await ReadRecordsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<AuditCheckpoint> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadHeadAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<IReadOnlyList<AuditPurgedRange>> ListPurgedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var head = await LockAndReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var records = AuditChain.Extend(head, time, entries);
        await InsertAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return records;
    }

    private protected override async Task<long> PurgeCoreAsync(DateTimeOffset before, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var prepare = Command(connection, transaction, LockSql + "; SELECT set_config('automation.audit_purge', 'on', true)"))
        {
            await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var head = await ReadHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var deleted = new List<(long Sequence, string Hash)>();

        // Records that vouch for earlier purges stay, or those purges could no longer be told from deletions.
        await using (var delete = Command(connection, transaction, """
            DELETE FROM audit_records AS r
            WHERE r.time < $1
              AND r.sequence NOT IN (SELECT purge_sequence FROM audit_purged)
              AND NOT EXISTS (
                SELECT 1 FROM audit_legal_holds h
                WHERE (h.from_time IS NULL OR r.time >= h.from_time)
                  AND (h.to_time IS NULL OR r.time < h.to_time)
                  AND (h.instance_id IS NULL OR h.instance_id = r.instance_id)
                  AND (h.patient_hash IS NULL OR h.patient_hash = r.patient_hash))
            RETURNING sequence, hash
            """, Time(before)))
        await using (var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                deleted.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        var ranges = ToRanges(deleted, head.Sequence + 1);
        if (ranges.Count > 0)
        {
            await using var insert = Command(connection, transaction, """
                INSERT INTO audit_purged (first_sequence, last_sequence, last_hash, purge_sequence, purged_at)
                SELECT f, l, h, $4, $5 FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS p(f, l, h)
                """,
                LongArray([.. ranges.Select(r => r.FirstSequence)]),
                LongArray([.. ranges.Select(r => r.LastSequence)]),
                TextArray([.. ranges.Select(r => r.LastHash)]),
                Long(head.Sequence + 1),
                Time(now));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertAsync(connection, transaction, AuditChain.Extend(head, now, [PurgeEntry(actor, before, ranges, deleted.Count)]), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted.Count;
    }

    private protected override async Task<bool> AddHoldCoreAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"INSERT INTO audit_legal_holds ({HoldColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
            Text(hold.Id), Text(hold.Reason), Time(hold.From), Time(hold.To), Text(hold.InstanceId), Text(hold.PatientHash), Text(hold.CreatedBy), Time(hold.CreatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private protected override async Task<bool> RemoveHoldCoreAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "DELETE FROM audit_legal_holds WHERE id = $1", Text(id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private protected override async Task<IReadOnlyList<LegalHold>> ListHoldsCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {HoldColumns} FROM audit_legal_holds ORDER BY id");
        var holds = new List<LegalHold>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            holds.Add(new LegalHold
            {
                Id = reader.GetString(0),
                Reason = reader.GetString(1),
                From = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                To = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                InstanceId = reader.IsDBNull(4) ? null : reader.GetString(4),
                PatientHash = reader.IsDBNull(5) ? null : reader.GetString(5),
                CreatedBy = reader.GetString(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
            });
        }

        return holds;
    }

    private protected override ValueTask DisposeCoreAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    // Inserts chained records (one unnest statement) and moves the head, inside the caller's locked transaction.
    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(BatchCommand(
                InsertSql,
                LongArray([.. records.Select(r => r.Sequence)]),
                Time(records[0].Time),
                TextArray([.. records.Select(r => r.Entry.Action)]),
                TextArray([.. records.Select(r => r.Entry.Actor)]),
                TextArray([.. records.Select(r => r.Entry.Result)]),
                TextArray([.. records.Select(r => r.Entry.InstanceId)]),
                TextArray([.. records.Select(r => r.Entry.MessageId)]),
                TextArray([.. records.Select(r => r.Entry.PatientHash)]),
                TextArray([.. records.Select(r => r.Entry.Policy)]),
                TextArray([.. records.Select(r => r.Entry.Method)]),
                TextArray([.. records.Select(r => r.Entry.TlsProtocol)]),
                TextArray([.. records.Select(r => r.Entry.TlsCipher)]),
                TextArray([.. records.Select(r => AuditDetails.Serialize(r.Entry.Details))]),
                TextArray([.. records.Select(r => r.PreviousHash)]),
                TextArray([.. records.Select(r => r.Hash)])));
            batch.BatchCommands.Add(BatchCommand("UPDATE audit_head SET sequence = $1, hash = $2 WHERE id = 1", Long(records[^1].Sequence), Text(records[^1].Hash)));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // One round trip: the lock, then the head read as its own statement, so the head is read in a snapshot taken after
    // the lock was granted (read committed takes one per statement) and never misses another writer's commit.
    private static async Task<AuditCheckpoint> LockAndReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { new NpgsqlBatchCommand(LockSql), new NpgsqlBatchCommand(HeadSql) },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return await ReadCheckpointAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AuditCheckpoint> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, HeadSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadCheckpointAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AuditCheckpoint> ReadCheckpointAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new AuditCheckpoint(reader.GetInt64(0), reader.GetString(1))
            : throw new InvalidOperationException("The audit log is not migrated: call MigrateAsync first.");

    private static async Task<IReadOnlyList<AuditRecord>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(AuditColumns.Read(reader, (r, i) => r.GetFieldValue<DateTimeOffset>(i)));
        }

        return records;
    }
}
