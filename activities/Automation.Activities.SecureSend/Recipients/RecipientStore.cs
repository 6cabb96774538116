using System.Data.Common;
using Npgsql;

namespace Automation.Activities.SecureSend.Recipients;

/// <summary>
/// The recipient directory's tables (<c>securesend_*</c>), owned by this package: S/MIME certificates and OpenPGP keys
/// per address, portal enrolment, and per-domain TLS policy. One SQL dialect serves SQLite and PostgreSQL except for
/// the DDL; use <see cref="Create(string, string)"/>.
/// </summary>
public abstract class RecipientStore
{
    /// <summary>Creates the store for a provider.</summary>
    /// <param name="provider"><c>sqlite</c> or <c>postgres</c>.</param>
    /// <param name="connectionString">The connection string.</param>
    /// <returns>The store (call <see cref="MigrateAsync"/> before use).</returns>
    /// <exception cref="ArgumentException">The provider is unknown.</exception>
    public static RecipientStore Create(string provider, string connectionString) => provider?.ToLowerInvariant() switch
    {
        "sqlite" => new SqliteRecipientStore(connectionString),
        "postgres" or "postgresql" => new PostgresRecipientStore(connectionString),
        _ => throw new ArgumentException($"Unknown recipient store provider '{provider}' (expected sqlite or postgres).", nameof(provider)),
    };

    /// <summary>Creates a PostgreSQL store on a connection pool the caller shares with other stores and disposes.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    /// <returns>The store (call <see cref="MigrateAsync"/> before use).</returns>
    public static RecipientStore Create(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return new PostgresRecipientStore(dataSource);
    }

    /// <summary>Opens a connection.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The open connection.</returns>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The dialect's CREATE TABLE statements.</summary>
    protected abstract IReadOnlyList<string> Schema { get; }

    /// <summary>Creates the tables if missing.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var statement in Schema)
        {
            await ExecuteAsync(connection, statement, [], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores (or replaces) an S/MIME certificate.</summary>
    /// <param name="entry">The certificate.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public async Task UpsertCertificateAsync(SmimeCertificateEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection,
            "INSERT INTO securesend_certificates (address, thumbprint, der, not_before, not_after, revoked) VALUES (@a, @t, @d, @nb, @na, 0) " +
            "ON CONFLICT (address, thumbprint) DO UPDATE SET der = excluded.der, not_before = excluded.not_before, not_after = excluded.not_after",
            [("a", entry.Address), ("t", entry.Thumbprint), ("d", entry.Der), ("nb", entry.NotBefore.ToUnixTimeMilliseconds()), ("na", entry.NotAfter.ToUnixTimeMilliseconds())],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores many recipients' capabilities in one transaction (bulk provisioning, benchmarks): S/MIME
    /// certificates, OpenPGP keys and portal enrolments, each upserted like the single-row methods.</summary>
    /// <param name="certificates">Certificates to store.</param>
    /// <param name="pgpKeys">Keys to store.</param>
    /// <param name="portalAddresses">Normalised addresses to enrol in the portal.</param>
    /// <param name="cancellationToken">Cancels the operation (the transaction is then rolled back).</param>
    /// <returns>A task.</returns>
    public async Task UpsertBatchAsync(IReadOnlyList<SmimeCertificateEntry> certificates, IReadOnlyList<PgpKeyEntry> pgpKeys, IReadOnlyList<string> portalAddresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(pgpKeys);
        ArgumentNullException.ThrowIfNull(portalAddresses);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var entry in certificates)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO securesend_certificates (address, thumbprint, der, not_before, not_after, revoked) VALUES (@a, @t, @d, @nb, @na, 0) " +
                "ON CONFLICT (address, thumbprint) DO UPDATE SET der = excluded.der, not_before = excluded.not_before, not_after = excluded.not_after",
                [("a", entry.Address), ("t", entry.Thumbprint), ("d", entry.Der), ("nb", entry.NotBefore.ToUnixTimeMilliseconds()), ("na", entry.NotAfter.ToUnixTimeMilliseconds())],
                cancellationToken).ConfigureAwait(false);
        }

        foreach (var entry in pgpKeys)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO securesend_pgp_keys (address, key_id, armored, expires_at) VALUES (@a, @k, @r, @e) " +
                "ON CONFLICT (address, key_id) DO UPDATE SET armored = excluded.armored, expires_at = excluded.expires_at",
                [("a", entry.Address), ("k", entry.KeyId), ("r", entry.Armored), ("e", entry.ExpiresAt?.ToUnixTimeMilliseconds())],
                cancellationToken).ConfigureAwait(false);
        }

        foreach (var address in portalAddresses)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO securesend_portal_enrolment (address) VALUES (@a) ON CONFLICT (address) DO NOTHING",
                [("a", address)], cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a certificate revoked (it stays listed but is never used again).</summary>
    /// <param name="thumbprint">The SHA-1 thumbprint.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether a certificate was found.</returns>
    public async Task<bool> RevokeCertificateAsync(string thumbprint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(thumbprint);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, "UPDATE securesend_certificates SET revoked = 1 WHERE thumbprint = @t",
            [("t", thumbprint.ToLowerInvariant())], cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Stores (or replaces) an OpenPGP key.</summary>
    /// <param name="entry">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public async Task UpsertPgpKeyAsync(PgpKeyEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection,
            "INSERT INTO securesend_pgp_keys (address, key_id, armored, expires_at) VALUES (@a, @k, @r, @e) " +
            "ON CONFLICT (address, key_id) DO UPDATE SET armored = excluded.armored, expires_at = excluded.expires_at",
            [("a", entry.Address), ("k", entry.KeyId), ("r", entry.Armored), ("e", entry.ExpiresAt?.ToUnixTimeMilliseconds())],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enrols or un-enrols an address in the pickup portal.</summary>
    /// <param name="address">The normalised address.</param>
    /// <param name="enrolled">Enrol or remove.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public async Task SetPortalEnrolmentAsync(string address, bool enrolled, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, enrolled
                ? "INSERT INTO securesend_portal_enrolment (address) VALUES (@a) ON CONFLICT (address) DO NOTHING"
                : "DELETE FROM securesend_portal_enrolment WHERE address = @a",
            [("a", address)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a domain's TLS policy.</summary>
    /// <param name="domain">The lower-case domain.</param>
    /// <param name="requireTls">Whether mail to it must use TLS 1.2+.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    public async Task SetDomainTlsAsync(string domain, bool requireTls, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection,
            "INSERT INTO securesend_domains (domain, require_tls) VALUES (@d, @r) ON CONFLICT (domain) DO UPDATE SET require_tls = excluded.require_tls",
            [("d", domain), ("r", requireTls ? 1 : 0)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads everything on file for one address and its domain.</summary>
    /// <param name="address">The normalised address.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record.</returns>
    public async Task<RecipientRecord> GetAsync(string address, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return (await GetManyAsync([address], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Reads everything on file for several addresses and their domains in one round trip (the sends of a
    /// batch resolve their recipients together).</summary>
    /// <param name="addresses">Normalised addresses; repeats are allowed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One record per address, in the order given.</returns>
    public async Task<IReadOnlyList<RecipientRecord>> GetManyAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            return [];
        }

        var distinct = addresses.Distinct(StringComparer.Ordinal).ToList();
        var domains = distinct.Select(RecipientAddress.DomainOf).Distinct(StringComparer.Ordinal).ToList();

        // IN lists rather than arrays: the same SQL serves SQLite and PostgreSQL.
        var parameters = distinct.Select((a, i) => ("a" + i, (object?)a)).Concat(domains.Select((d, i) => ("d" + i, (object?)d))).ToArray();
        var inAddresses = string.Join(", ", distinct.Select((_, i) => "@a" + i));
        var inDomains = string.Join(", ", domains.Select((_, i) => "@d" + i));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            {CertificatesSql} WHERE address IN ({inAddresses}) ORDER BY address, not_after;
            {KeysSql} WHERE address IN ({inAddresses}) ORDER BY address, key_id;
            SELECT address FROM securesend_portal_enrolment WHERE address IN ({inAddresses});
            SELECT domain, require_tls FROM securesend_domains WHERE domain IN ({inDomains});
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var certificates = (await ReadCertificatesAsync(reader, cancellationToken).ConfigureAwait(false)).ToLookup(c => c.Address, StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var keys = (await ReadKeysAsync(reader, cancellationToken).ConfigureAwait(false)).ToLookup(k => k.Address, StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var enrolled = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            enrolled.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var requireTls = new Dictionary<string, bool>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            requireTls[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }

        return [.. addresses.Select(a => new RecipientRecord(a, [.. certificates[a]], [.. keys[a]], enrolled.Contains(a), requireTls.GetValueOrDefault(RecipientAddress.DomainOf(a))))];
    }

    /// <summary>Lists every address on file, with its entries, ordered by address.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    public async Task<IReadOnlyList<RecipientRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var certificates = await ReadCertificatesAsync(connection, "", [], cancellationToken).ConfigureAwait(false);
        var keys = await ReadKeysAsync(connection, "", [], cancellationToken).ConfigureAwait(false);
        var enrolled = new HashSet<string>(StringComparer.Ordinal);
        var domains = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using (var command = Command(connection, "SELECT address FROM securesend_portal_enrolment", []))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                enrolled.Add(reader.GetString(0));
            }
        }

        await using (var command = Command(connection, "SELECT domain, require_tls FROM securesend_domains", []))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                domains[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) != 0;
            }
        }

        var addresses = certificates.Select(c => c.Address).Concat(keys.Select(k => k.Address)).Concat(enrolled).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. addresses.Select(a => new RecipientRecord(a,
            [.. certificates.Where(c => c.Address == a)], [.. keys.Where(k => k.Address == a)], enrolled.Contains(a),
            domains.GetValueOrDefault(RecipientAddress.DomainOf(a))))];
    }

    /// <summary>Lists the per-domain TLS policies.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Domain and whether TLS is required.</returns>
    public async Task<IReadOnlyList<(string Domain, bool RequireTls)>> ListDomainsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT domain, require_tls FROM securesend_domains ORDER BY domain", []);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<(string, bool)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetString(0), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) != 0));
        }

        return list;
    }

    private const string CertificatesSql = "SELECT address, thumbprint, der, not_before, not_after, revoked FROM securesend_certificates";
    private const string KeysSql = "SELECT address, key_id, armored, expires_at FROM securesend_pgp_keys";

    private static async Task<List<SmimeCertificateEntry>> ReadCertificatesAsync(DbConnection connection, string where, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, CertificatesSql + " " + where + " ORDER BY address, not_after", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadCertificatesAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<SmimeCertificateEntry>> ReadCertificatesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var list = new List<SmimeCertificateEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new SmimeCertificateEntry(reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture) != 0));
        }

        return list;
    }

    private static async Task<List<PgpKeyEntry>> ReadKeysAsync(DbConnection connection, string where, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, KeysSql + " " + where + " ORDER BY address, key_id", parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadKeysAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<PgpKeyEntry>> ReadKeysAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var list = new List<PgpKeyEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new PgpKeyEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return list;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, parameters);
        command.Transaction = transaction;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}

/// <summary>Everything the directory holds for one address.</summary>
/// <param name="Address">The normalised address.</param>
/// <param name="Certificates">S/MIME certificates, oldest expiry first.</param>
/// <param name="PgpKeys">OpenPGP keys.</param>
/// <param name="PortalEnrolled">Enrolled in the pickup portal.</param>
/// <param name="DomainRequiresTls">The address's domain requires TLS 1.2+.</param>
public sealed record RecipientRecord(string Address, IReadOnlyList<SmimeCertificateEntry> Certificates, IReadOnlyList<PgpKeyEntry> PgpKeys, bool PortalEnrolled, bool DomainRequiresTls);
