namespace Automation.Persistence.Identity;

/// <summary>Users and API keys, in the same database as the workflows (SQLite or PostgreSQL).</summary>
public interface IIdentityStore
{
    /// <summary>Creates the tables when missing. Idempotent.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a user.</summary>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><c>false</c> when the e-mail is taken.</returns>
    Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default);

    /// <summary>Finds a user by e-mail (case-insensitive).</summary>
    /// <param name="email">The e-mail.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user, or <c>null</c>.</returns>
    Task<UserAccount?> FindUserByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Lists users by e-mail.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The users.</returns>
    Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds an API key.</summary>
    /// <param name="key">The key record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task AddApiKeyAsync(ApiKeyAccount key, CancellationToken cancellationToken = default);

    /// <summary>Finds an unrevoked key by the hash of its text.</summary>
    /// <param name="keyHash">Lower-case hex SHA-256 of the key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key, or <c>null</c>.</returns>
    Task<ApiKeyAccount?> FindActiveApiKeyAsync(string keyHash, CancellationToken cancellationToken = default);

    /// <summary>Lists keys, newest first, revoked ones included.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys.</returns>
    Task<IReadOnlyList<ApiKeyAccount>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key.</summary>
    /// <param name="id">The key id.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether an active key was revoked.</returns>
    Task<bool> RevokeApiKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}
