namespace Automation.Persistence.Identity;

/// <summary>A machine client's API key. Only its SHA-256 hash and a short prefix (to tell keys apart) are stored.</summary>
public sealed record ApiKeyAccount
{
    /// <summary>The key id.</summary>
    public required string Id { get; init; }

    /// <summary>A label given by the admin who created it.</summary>
    public required string Name { get; init; }

    /// <summary>The role the key acts with.</summary>
    public required string Role { get; init; }

    /// <summary>The first characters of the key, shown in lists.</summary>
    public required string Prefix { get; init; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string KeyHash { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was revoked; a revoked key authenticates nothing.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
