using Automation.Persistence.Identity;
using Automation.Persistence.Shared;
using Microsoft.Data.Sqlite;

namespace Automation.Persistence.Sqlite;

/// <summary>Users and API keys in the embedded SQLite database.</summary>
public sealed class SqliteIdentityStore : IIdentityStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY NOT NULL,
            email TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS api_keys (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            prefix TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER NULL);
        """;

    private const string UserColumns = "id, email, role, password_hash, created_at";
    private const string KeyColumns = "id, name, role, prefix, key_hash, created_at, revoked_at";

    private readonly SqliteCommands db;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    public SqliteIdentityStore(string connectionString) => db = new SqliteCommands(SqliteCommands.Prepare(connectionString));

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => db.ExecuteAsync(Schema, null, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await db.ExecuteAsync($"INSERT INTO users ({UserColumns}) VALUES ($id, $email, $role, $hash, $at) ON CONFLICT (email) DO NOTHING", command =>
        {
            command.Parameters.AddWithValue("$id", user.Id);
            command.Parameters.AddWithValue("$email", user.Email.ToLowerInvariant());
            command.Parameters.AddWithValue("$role", user.Role);
            command.Parameters.AddWithValue("$hash", user.PasswordHash);
            command.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(user.CreatedAt));
        }, cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<UserAccount?> FindUserByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        var users = await db.QueryAsync($"SELECT {UserColumns} FROM users WHERE email = $email", c => c.Parameters.AddWithValue("$email", email.ToLowerInvariant()), ReadUser, cancellationToken).ConfigureAwait(false);
        return users.Count == 0 ? null : users[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {UserColumns} FROM users ORDER BY email", null, ReadUser, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task AddApiKeyAsync(ApiKeyAccount key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return db.ExecuteAsync($"INSERT INTO api_keys ({KeyColumns}) VALUES ($id, $name, $role, $prefix, $hash, $at, NULL)", command =>
        {
            command.Parameters.AddWithValue("$id", key.Id);
            command.Parameters.AddWithValue("$name", key.Name);
            command.Parameters.AddWithValue("$role", key.Role);
            command.Parameters.AddWithValue("$prefix", key.Prefix);
            command.Parameters.AddWithValue("$hash", key.KeyHash);
            command.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(key.CreatedAt));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ApiKeyAccount?> FindActiveApiKeyAsync(string keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        var keys = await db.QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE key_hash = $hash AND revoked_at IS NULL", c => c.Parameters.AddWithValue("$hash", keyHash), ReadKey, cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiKeyAccount>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        await db.QueryAsync($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", null, ReadKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await db.ExecuteAsync("UPDATE api_keys SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL", command =>
        {
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$at", StoreValues.ToUnixMicros(at));
        }, cancellationToken).ConfigureAwait(false) == 1;
    }

    private static UserAccount ReadUser(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Email = reader.GetString(1),
        Role = reader.GetString(2),
        PasswordHash = reader.GetString(3),
        CreatedAt = StoreValues.FromUnixMicros(reader.GetInt64(4)),
    };

    private static ApiKeyAccount ReadKey(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Role = reader.GetString(2),
        Prefix = reader.GetString(3),
        KeyHash = reader.GetString(4),
        CreatedAt = StoreValues.FromUnixMicros(reader.GetInt64(5)),
        RevokedAt = reader.IsDBNull(6) ? null : StoreValues.FromUnixMicros(reader.GetInt64(6)),
    };
}
