using System.Data.Common;
using Npgsql;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>The portal table in PostgreSQL (in the connection's search path), shared by every server node.</summary>
internal sealed class PostgresPortalStore : PortalSqlStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS portal_messages (
            message_id TEXT PRIMARY KEY NOT NULL,
            patient_id TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            recipient BYTEA NOT NULL,
            subject BYTEA NOT NULL,
            html_body BYTEA NOT NULL,
            text_body BYTEA NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            retracted_at BIGINT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until BIGINT NULL,
            code_hash TEXT NULL,
            code_expires_at BIGINT NULL,
            read_at BIGINT NULL);
        CREATE INDEX IF NOT EXISTS ix_portal_messages_key ON portal_messages (key_id);
        """;

    // Nodes starting together would race on CREATE TABLE IF NOT EXISTS (a duplicate pg_type row); the lock orders them.
    private const long SchemaLockKey = 0x706F7274616C; // "portal"

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;

    /// <summary>Creates the store on <paramref name="dataSource"/>, disposing it with the store when it owns it.</summary>
    public PostgresPortalStore(NpgsqlDataSource dataSource, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
    }

    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key); " + Schema, connection, transaction))
        {
            command.Parameters.AddWithValue("key", SchemaLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
