namespace Automation.Server.Authentication;

/// <summary>Sign-in settings, bound from <c>Automation:Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation:Auth";

    /// <summary>Base64 HMAC key (at least 32 bytes) that signs access tokens. When empty a key is generated once and
    /// kept in <c>signing.key</c> in the data folder (never committed).</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long an access token lives. Default 60 minutes; at most 12 hours.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Sign-in attempts allowed per client address per minute. Default 10.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Created at start when the store has no user yet; the password comes from configuration or the
    /// environment (<c>Automation__Auth__InitialAdmin__Password</c>), never from a default.</summary>
    public InitialAdminOptions InitialAdmin { get; set; } = new();
}

/// <summary>The first administrator.</summary>
public sealed class InitialAdminOptions
{
    /// <summary>The e-mail.</summary>
    public string? Email { get; set; }

    /// <summary>The password (12+ characters).</summary>
    public string? Password { get; set; }
}
