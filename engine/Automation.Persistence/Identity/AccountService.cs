using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Automation.Persistence.Identity;

/// <summary>
/// Creates and checks accounts: passwords hashed with ASP.NET Core Identity's PBKDF2 hasher, API keys as 256-bit random
/// secrets of which only the SHA-256 is stored. There is no default password anywhere.
/// </summary>
public sealed class AccountService
{
    /// <summary>The shortest accepted password.</summary>
    public const int MinimumPasswordLength = 12;

    private const string KeyPrefix = "ak_";

    private readonly IIdentityStore store;
    private readonly TimeProvider timeProvider;
    private readonly PasswordHasher<UserAccount> hasher = new();
    private readonly Lazy<string> decoyHash;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The identity store.</param>
    /// <param name="timeProvider">The clock.</param>
    public AccountService(IIdentityStore store, TimeProvider timeProvider)
    {
        this.store = store;
        this.timeProvider = timeProvider;
        decoyHash = new Lazy<string>(() => hasher.HashPassword(Decoy, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
    }

    private static UserAccount Decoy { get; } = new() { Id = "", Email = "", Role = Roles.Operator, PasswordHash = "" };

    /// <summary>Creates a user.</summary>
    /// <param name="email">The sign-in e-mail.</param>
    /// <param name="role">One of <see cref="Roles.All"/>.</param>
    /// <param name="password">At least <see cref="MinimumPasswordLength"/> characters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user.</returns>
    /// <exception cref="AccountException">The e-mail, role or password is not acceptable, or the e-mail is taken.</exception>
    public async Task<UserAccount> CreateUserAsync(string email, string role, string password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(email) || !MailAddress.TryCreate(email.Trim(), out var address) || address.Address != email.Trim())
        {
            throw new AccountException("email", "A valid e-mail address is required.");
        }

        CheckRole(role);
        if (string.IsNullOrEmpty(password) || password.Length < MinimumPasswordLength)
        {
            throw new AccountException("password", $"The password must have at least {MinimumPasswordLength} characters.");
        }

        var user = new UserAccount
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Email = address.Address.ToLowerInvariant(),
            Role = role,
            PasswordHash = "",
            CreatedAt = timeProvider.GetUtcNow(),
        };
        user = user with { PasswordHash = hasher.HashPassword(user, password) };
        if (!await store.AddUserAsync(user, cancellationToken).ConfigureAwait(false))
        {
            throw new AccountException("email", "That e-mail address already has an account.");
        }

        return user;
    }

    /// <summary>Checks a password. Unknown e-mails cost as much as wrong passwords, so timing tells nothing.</summary>
    /// <param name="email">The e-mail.</param>
    /// <param name="password">The password.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The user, or <c>null</c> when the e-mail or password is wrong.</returns>
    public async Task<UserAccount?> VerifyPasswordAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await store.FindUserByEmailAsync(email.Trim(), cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            hasher.VerifyHashedPassword(Decoy, decoyHash.Value, password ?? "");
            return null;
        }

        return hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "") == PasswordVerificationResult.Failed ? null : user;
    }

    /// <summary>Creates an API key. The returned text is shown once; only its hash is kept.</summary>
    /// <param name="name">A label.</param>
    /// <param name="role">The role the key acts with.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record and the key text.</returns>
    /// <exception cref="AccountException">The name or role is not acceptable.</exception>
    public async Task<(ApiKeyAccount Account, string Key)> CreateApiKeyAsync(string name, string role, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new AccountException("name", "A name of 1 to 100 characters is required.");
        }

        CheckRole(role);
        var key = KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var account = new ApiKeyAccount
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Name = name.Trim(),
            Role = role,
            Prefix = key[..(KeyPrefix.Length + 6)],
            KeyHash = Hash(key),
            CreatedAt = timeProvider.GetUtcNow(),
        };
        await store.AddApiKeyAsync(account, cancellationToken).ConfigureAwait(false);
        return (account, key);
    }

    /// <summary>Finds the active key a client presented.</summary>
    /// <param name="key">The key text.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key record, or <c>null</c> when unknown or revoked.</returns>
    public Task<ApiKeyAccount?> AuthenticateApiKeyAsync(string key, CancellationToken cancellationToken = default) =>
        string.IsNullOrEmpty(key) || !key.StartsWith(KeyPrefix, StringComparison.Ordinal)
            ? Task.FromResult<ApiKeyAccount?>(null)
            : store.FindActiveApiKeyAsync(Hash(key), cancellationToken);

    private static void CheckRole(string role)
    {
        if (!Roles.All.Contains(role))
        {
            throw new AccountException("role", $"The role must be one of {string.Join(", ", Roles.All)}.");
        }
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
