using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>The portal table in an SQLite file (the embedded default; usually the server's own database file).</summary>
internal sealed class SqlitePortalStore : PortalSqlStore
{
    private const string Schema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE IF NOT EXISTS portal_messages (
            message_id TEXT PRIMARY KEY NOT NULL,
            patient_id TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            key_id TEXT NOT NULL,
            recipient BLOB NOT NULL,
            subject BLOB NOT NULL,
            html_body BLOB NOT NULL,
            text_body BLOB NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            retracted_at INTEGER NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until INTEGER NULL,
            code_hash TEXT NULL,
            code_expires_at INTEGER NULL,
            read_at INTEGER NULL);
        CREATE INDEX IF NOT EXISTS ix_portal_messages_key ON portal_messages (key_id);
        """;

    private readonly string connectionString;

    public SqlitePortalStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        this.connectionString = builder.ConnectionString;
    }

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();

            // Other writers (the workflow store) share the file: wait for them instead of failing with SQLITE_BUSY.
            pragmas.CommandText = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
