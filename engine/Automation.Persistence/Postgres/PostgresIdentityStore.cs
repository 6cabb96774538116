using Automation.Persistence.Identity;
using Npgsql;
using static Automation.Persistence.Postgres.PostgresCommands;

namespace Automation.Persistence.Postgres;

/// <summary>Users and API keys in PostgreSQL.</summary>
public sealed class PostgresIdentityStore : IIdentityStore, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            id text PRIMARY KEY,
            email text NOT NULL UNIQUE,
            role text NOT NULL,
            password_hash text NOT NULL,
            created_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS api_keys (
            id text PRIMARY KEY,
            name text NOT NULL,
            role text NOT NULL,
            prefix text NOT NULL,
            key_hash text NOT NULL UNIQUE,
            created_at timestamptz NOT NULL,
            revoked_at timestamptz NULL);
        """;

    private const string UserColumns = "id, email, role, password_hash, created_at";
    private const string KeyColumns = "id, name, role, prefix, key_hash, created_at, revoked_at";

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresCommands db;
    private readonly bool ownsDataSource;

    /// <summary>Creates the store with a connection pool of its own.</summary>
    /// <param name="connectionString">An Npgsql connection string (its search path selects the schema).</param>
    public PostgresIdentityStore(string connectionString)
        : this(NpgsqlDataSource.Create(connectionString ?? throw new ArgumentNullException(nameof(connectionString))))
    {
        ownsDataSource = true;
    }

    /// <summary>Creates the store on a connection pool it shares with other stores; the caller disposes the pool.</summary>
    /// <param name="dataSource">The pool (its search path selects the schema).</param>
    public PostgresIdentityStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        db = new PostgresCommands(dataSource);
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default) =>
        await db.ExecuteAsync(Schema, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await db.ExecuteAsync($"INSERT INTO users ({UserColumns}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING", cancellationToken,
            Text(user.Id), Text(user.Email.ToLowerInvariant()), Text(user.Role), Text(user.PasswordHash), Instant(user.CreatedAt)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<UserAccount?> FindUserByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        var users = await db.QueryAsync($"SELECT {UserColumns} FROM users WHERE email = $1", ReadUser, cancellationToken, Text(email.ToLowerInvariant())).ConfigureAwait(false);
        return users.Count == 0 ? null : users[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {UserColumns} FROM users ORDER BY email", ReadUser, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task AddApiKeyAsync(ApiKeyAccount key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await db.ExecuteAsync($"INSERT INTO api_keys ({KeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, NULL)", cancellationToken,
            Text(key.Id), Text(key.Name), Text(key.Role), Text(key.Prefix), Text(key.KeyHash), Instant(key.CreatedAt)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ApiKeyAccount?> FindActiveApiKeyAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        var keys = await db.QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", ReadKey, cancellationToken, Text(keyHash)).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKeyAccount>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", ReadKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await db.ExecuteAsync("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", cancellationToken, Text(id), Instant(at)).ConfigureAwait(false) == 1;
    }

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => ownsDataSource ? dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private static UserAccount ReadUser(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Email = reader.GetString(1),
        Role = reader.GetString(2),
        PasswordHash = reader.GetString(3),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(4),
    };

    private static ApiKeyAccount ReadKey(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Role = reader.GetString(2),
        Prefix = reader.GetString(3),
        KeyHash = reader.GetString(4),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
        RevokedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
    };
}
