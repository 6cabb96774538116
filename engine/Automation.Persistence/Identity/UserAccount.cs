namespace Automation.Persistence.Identity;

/// <summary>A person who signs in to the designer. Staff, not patients: the e-mail is the sign-in name.</summary>
public sealed record UserAccount
{
    /// <summary>The user id.</summary>
    public required string Id { get; init; }

    /// <summary>The sign-in e-mail, stored lower-case.</summary>
    public required string Email { get; init; }

    /// <summary>One of <c>admin</c>, <c>designer</c>, <c>operator</c>, <c>auditor</c>.</summary>
    public required string Role { get; init; }

    /// <summary>ASP.NET Core Identity's password hash (PBKDF2); never the password.</summary>
    public required string PasswordHash { get; init; }

    /// <summary>When the account was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
