using Automation.Persistence.Shared;

namespace Automation.Persistence.Postgres;

/// <summary>The PostgreSQL schema, created in the connection's current schema (its <c>Search Path</c>).</summary>
internal static class PostgresMigrations
{
    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, """
            CREATE TABLE IF NOT EXISTS definitions (
                id text PRIMARY KEY,
                definition_id text NOT NULL,
                version integer NOT NULL,
                name text NULL,
                is_latest boolean NOT NULL DEFAULT false,
                is_published boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL,
                json text NOT NULL,
                CONSTRAINT definitions_definition_version_key UNIQUE (definition_id, version));

            CREATE TABLE IF NOT EXISTS instances (
                id text PRIMARY KEY,
                definition_id text NOT NULL,
                definition_version_id text NOT NULL,
                version integer NOT NULL,
                status text NOT NULL,
                correlation_id text NULL,
                incident_count integer NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                finished_at timestamptz NULL,
                revision bigint NOT NULL,
                state bytea NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_instances_created ON instances (created_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS ix_instances_definition ON instances (definition_id);
            CREATE INDEX IF NOT EXISTS ix_instances_correlation ON instances (correlation_id) WHERE correlation_id IS NOT NULL;

            CREATE TABLE IF NOT EXISTS bookmarks (
                id text PRIMARY KEY,
                instance_id text NOT NULL,
                activity_id text NOT NULL,
                activity_node_id text NOT NULL,
                name text NOT NULL,
                hash text NOT NULL,
                correlation_id text NULL,
                payload text NULL,
                resume_at timestamptz NULL,
                created_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_bookmarks_hash ON bookmarks (hash);
            CREATE INDEX IF NOT EXISTS ix_bookmarks_resume_at ON bookmarks (resume_at) WHERE resume_at IS NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_bookmarks_instance ON bookmarks (instance_id);

            CREATE TABLE IF NOT EXISTS journal (
                instance_id text NOT NULL,
                sequence bigint NOT NULL,
                timestamp timestamptz NOT NULL,
                activity_id text NOT NULL,
                activity_node_id text NOT NULL,
                activity_type text NOT NULL,
                event text NOT NULL,
                outcomes text NULL,
                message text NULL,
                PRIMARY KEY (instance_id, sequence));

            CREATE TABLE IF NOT EXISTS stimuli (
                id text PRIMARY KEY,
                hash text NOT NULL,
                correlation_id text NULL,
                input text NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_stimuli_hash ON stimuli (hash, created_at);
            CREATE INDEX IF NOT EXISTS ix_stimuli_expires ON stimuli (expires_at);
            """),
        new(2, """
            CREATE TABLE IF NOT EXISTS outbox (
                id text PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                topic text NOT NULL,
                payload bytea NOT NULL,
                instance_id text NOT NULL,
                status text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                available_at timestamptz NOT NULL,
                created_at timestamptz NOT NULL,
                last_error text NULL,
                completed_at timestamptz NULL);
            CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (available_at, seq) WHERE status = 'pending';
            """),
        new(20, """
            CREATE TABLE IF NOT EXISTS audience_runs (
                run_id text PRIMARY KEY,
                definition_id text NOT NULL,
                definition_version_id text NOT NULL,
                status text NOT NULL,
                position bigint NOT NULL,
                entered bigint NOT NULL,
                skipped bigint NOT NULL,
                started_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                error text NULL);
            CREATE INDEX IF NOT EXISTS ix_instances_definition_correlation ON instances (definition_id, correlation_id);
            """),
        new(21, """
            ALTER TABLE audience_runs ADD COLUMN IF NOT EXISTS excluded bigint NOT NULL DEFAULT 0;
            """),

        // Instance state is a few KB and, encrypted at rest, incompressible: rows up to a page stay whole, instead of
        // PostgreSQL trying to compress the value and then moving it to the TOAST table (a second heap row and index
        // entry per write, and a second lookup per read). Not the outbox: its rows are updated twice after the insert
        // (claim, result) without touching the payload, and an inline payload made every such update copy it (the
        // campaign benchmark measured 15-20% more machine CPU a message with it inline).
        new(22, """
            ALTER TABLE instances SET (toast_tuple_target = 8160);
            """),

        // An activity that started and completed in one commit is one journal row (see JournalRows).
        new(23, """
            ALTER TABLE journal ADD COLUMN IF NOT EXISTS completed_at timestamptz NULL;
            """),

        // ix_instances_definition_correlation (migration 20) serves every lookup by definition id with its prefix; the
        // single-column index was one more entry to write per instance and answered nothing the other does not.
        new(24, """
            DROP INDEX IF EXISTS ix_instances_definition;
            """),
    ];
}
