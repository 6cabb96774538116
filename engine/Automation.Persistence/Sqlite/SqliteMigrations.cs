using Automation.Persistence.Shared;

namespace Automation.Persistence.Sqlite;

/// <summary>The SQLite schema. Instants are INTEGER unix microseconds (UTC).</summary>
internal static class SqliteMigrations
{
    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL);";

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, """
            CREATE TABLE IF NOT EXISTS definitions (
                id TEXT PRIMARY KEY NOT NULL,
                definition_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                name TEXT NULL,
                is_latest INTEGER NOT NULL DEFAULT 0,
                is_published INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                json TEXT NOT NULL,
                UNIQUE (definition_id, version));

            CREATE TABLE IF NOT EXISTS instances (
                id TEXT PRIMARY KEY NOT NULL,
                definition_id TEXT NOT NULL,
                definition_version_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                correlation_id TEXT NULL,
                incident_count INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                finished_at INTEGER NULL,
                revision INTEGER NOT NULL,
                state BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_instances_created ON instances (created_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS ix_instances_definition ON instances (definition_id);
            CREATE INDEX IF NOT EXISTS ix_instances_correlation ON instances (correlation_id);

            CREATE TABLE IF NOT EXISTS bookmarks (
                id TEXT PRIMARY KEY NOT NULL,
                instance_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                activity_node_id TEXT NOT NULL,
                name TEXT NOT NULL,
                hash TEXT NOT NULL,
                correlation_id TEXT NULL,
                payload TEXT NULL,
                resume_at INTEGER NULL,
                created_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_bookmarks_hash ON bookmarks (hash);
            CREATE INDEX IF NOT EXISTS ix_bookmarks_resume_at ON bookmarks (resume_at) WHERE resume_at IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_bookmarks_instance ON bookmarks (instance_id);

            CREATE TABLE IF NOT EXISTS journal (
                instance_id TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                activity_id TEXT NOT NULL,
                activity_node_id TEXT NOT NULL,
                activity_type TEXT NOT NULL,
                event TEXT NOT NULL,
                outcomes TEXT NULL,
                message TEXT NULL,
                PRIMARY KEY (instance_id, sequence)) WITHOUT ROWID;

            CREATE TABLE IF NOT EXISTS stimuli (
                id TEXT PRIMARY KEY NOT NULL,
                hash TEXT NOT NULL,
                correlation_id TEXT NULL,
                input TEXT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_stimuli_hash ON stimuli (hash, created_at);
            CREATE INDEX IF NOT EXISTS ix_stimuli_expires ON stimuli (expires_at);
            """),
        new(2, """
            CREATE TABLE IF NOT EXISTS outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,
                instance_id TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                available_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                last_error TEXT NULL,
                completed_at INTEGER NULL);
            CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (available_at, seq) WHERE status = 'pending';
            """),
        new(20, """
            CREATE TABLE IF NOT EXISTS audience_runs (
                run_id TEXT PRIMARY KEY NOT NULL,
                definition_id TEXT NOT NULL,
                definition_version_id TEXT NOT NULL,
                status TEXT NOT NULL,
                position INTEGER NOT NULL,
                entered INTEGER NOT NULL,
                skipped INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                error TEXT NULL);
            CREATE INDEX IF NOT EXISTS ix_instances_definition_correlation ON instances (definition_id, correlation_id);
            """),
        new(21, """
            ALTER TABLE audience_runs ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
            """),

        // An activity that started and completed in one commit is one journal row (see JournalRows).
        new(23, """
            ALTER TABLE journal ADD COLUMN completed_at INTEGER NULL;
            """),

        // ix_instances_definition_correlation (migration 20) serves every lookup by definition id with its prefix; the
        // single-column index was one more entry to write per instance and answered nothing the other does not.
        new(24, """
            DROP INDEX IF EXISTS ix_instances_definition;
            """),
    ];
}
