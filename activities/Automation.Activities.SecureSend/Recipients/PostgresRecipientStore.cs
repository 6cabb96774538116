using System.Data.Common;
using Npgsql;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>The recipient directory on PostgreSQL: on a pool shared with other stores, or on Npgsql's process-wide pool
/// for a connection string (the store is not disposable, so it must not own a pool).</summary>
internal sealed class PostgresRecipientStore : RecipientStore
{
    private readonly NpgsqlDataSource? dataSource;
    private readonly string? connectionString;

    public PostgresRecipientStore(string connectionString) => this.connectionString = connectionString;

    public PostgresRecipientStore(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    protected override IReadOnlyList<string> Schema { get; } =
    [
        "CREATE TABLE IF NOT EXISTS securesend_certificates (address TEXT NOT NULL, thumbprint TEXT NOT NULL, der BYTEA NOT NULL, not_before BIGINT NOT NULL, not_after BIGINT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (address, thumbprint))",
        "CREATE INDEX IF NOT EXISTS ix_securesend_certificates_thumbprint ON securesend_certificates (thumbprint)",
        "CREATE TABLE IF NOT EXISTS securesend_pgp_keys (address TEXT NOT NULL, key_id TEXT NOT NULL, armored TEXT NOT NULL, expires_at BIGINT NULL, PRIMARY KEY (address, key_id))",
        "CREATE TABLE IF NOT EXISTS securesend_portal_enrolment (address TEXT NOT NULL PRIMARY KEY)",
        "CREATE TABLE IF NOT EXISTS securesend_domains (domain TEXT NOT NULL PRIMARY KEY, require_tls INTEGER NOT NULL)",
    ];

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (dataSource is not null)
        {
            return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
