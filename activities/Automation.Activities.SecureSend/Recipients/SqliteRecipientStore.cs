using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>The recipient directory on SQLite.</summary>
internal sealed class SqliteRecipientStore(string connectionString) : RecipientStore
{
    protected override IReadOnlyList<string> Schema { get; } =
    [
        "CREATE TABLE IF NOT EXISTS securesend_certificates (address TEXT NOT NULL, thumbprint TEXT NOT NULL, der BLOB NOT NULL, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (address, thumbprint))",
        "CREATE INDEX IF NOT EXISTS ix_securesend_certificates_thumbprint ON securesend_certificates (thumbprint)",
        "CREATE TABLE IF NOT EXISTS securesend_pgp_keys (address TEXT NOT NULL, key_id TEXT NOT NULL, armored TEXT NOT NULL, expires_at INTEGER NULL, PRIMARY KEY (address, key_id))",
        "CREATE TABLE IF NOT EXISTS securesend_portal_enrolment (address TEXT NOT NULL PRIMARY KEY)",
        "CREATE TABLE IF NOT EXISTS securesend_domains (domain TEXT NOT NULL PRIMARY KEY, require_tls INTEGER NOT NULL)",
    ];

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { Length: > 0 } folder && builder.Mode != SqliteOpenMode.Memory)
        {
            System.IO.Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
