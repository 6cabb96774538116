using Automation.Persistence.Identity;
using Automation.Persistence.Postgres;
using Automation.Persistence.Sqlite;

namespace Automation.Persistence.Tests.Identity;

/// <summary>The identity store contract, run against SQLite and PostgreSQL.</summary>
public abstract class IdentityStoreContractTests : IAsyncLifetime
{
    private IIdentityStore store = null!;

    protected abstract IIdentityStore CreateStore();

    public async Task InitializeAsync()
    {
        store = CreateStore();
        await store.MigrateAsync();
        await store.MigrateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AddUserAsync_ThenFindByEmailInAnyCase_ReturnsIt()
    {
        var email = Unique("nurse") + "@hospital.test";
        var user = new UserAccount { Id = Unique("u"), Email = email, Role = Roles.Designer, PasswordHash = "hash", CreatedAt = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero) };

        Assert.True(await store.AddUserAsync(user));
        var found = await store.FindUserByEmailAsync(email.ToUpperInvariant());

        Assert.Equal(user, found);
        Assert.Contains(await store.ListUsersAsync(), u => u.Id == user.Id);
    }

    [Fact]
    public async Task AddUserAsync_EmailTaken_ReturnsFalseAndKeepsFirst()
    {
        var email = Unique("dup") + "@hospital.test";
        var first = new UserAccount { Id = Unique("u"), Email = email, Role = Roles.Admin, PasswordHash = "one", CreatedAt = DateTimeOffset.UnixEpoch };

        await store.AddUserAsync(first);
        var added = await store.AddUserAsync(first with { Id = Unique("u"), PasswordHash = "two" });

        Assert.False(added);
        Assert.Equal("one", (await store.FindUserByEmailAsync(email))!.PasswordHash);
    }

    [Fact]
    public async Task ApiKey_FoundByHashUntilRevoked()
    {
        var key = new ApiKeyAccount { Id = Unique("k"), Name = "bridge", Role = Roles.Operator, Prefix = "ak_123456", KeyHash = Unique("hash"), CreatedAt = DateTimeOffset.UnixEpoch };
        await store.AddApiKeyAsync(key);

        Assert.Equal(key, await store.FindActiveApiKeyAsync(key.KeyHash));
        Assert.True(await store.RevokeApiKeyAsync(key.Id, DateTimeOffset.UnixEpoch.AddDays(1)));
        Assert.False(await store.RevokeApiKeyAsync(key.Id, DateTimeOffset.UnixEpoch.AddDays(2)));
        Assert.Null(await store.FindActiveApiKeyAsync(key.KeyHash));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddDays(1), (await store.ListApiKeysAsync()).Single(k => k.Id == key.Id).RevokedAt);
    }
}

public sealed class SqliteIdentityStoreTests(SqliteStoreFixture fixture) : IdentityStoreContractTests, IClassFixture<SqliteStoreFixture>
{
    protected override IIdentityStore CreateStore() => new SqliteIdentityStore(fixture.ConnectionString);
}

public sealed class PostgresIdentityStoreTests(PostgresStoreFixture fixture) : IdentityStoreContractTests, IClassFixture<PostgresStoreFixture>
{
    protected override IIdentityStore CreateStore() => new PostgresIdentityStore(fixture.ConnectionString);
}
