namespace Automation.Server.Security;

/// <summary>
/// Keys for the security primitives, bound from <c>Automation:Security</c>. Every key is base64. When a key is not
/// configured (the embedded default) it is generated once into the data folder, next to <c>signing.key</c>, with
/// owner-only permissions, and reused on every start.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation:Security";

    /// <summary>HMAC key for signed public-endpoint tokens (tracking, unsubscribe, portal links); at least 32 bytes.
    /// Default: <c>token.key</c> in the data folder.</summary>
    public string? TokenKey { get; set; }

    /// <summary>HMAC key that turns patient ids into the hashes audit records carry; at least 32 bytes. Default:
    /// <c>patient-hash.key</c> in the data folder. Changing it makes old and new hashes of one patient differ.</summary>
    public string? PatientHashKey { get; set; }

    /// <summary>The PHI encryption key ring by key id, each exactly 32 bytes (AES-256). Keep retired keys here until
    /// nothing encrypted under them remains. Default: one key <c>local-1</c> in <c>phi-local-1.key</c> in the data folder.</summary>
    public Dictionary<string, string> PhiKeys { get; set; } = [];

    /// <summary>The key id new PHI is encrypted under; required when <see cref="PhiKeys"/> is configured.</summary>
    public string? ActivePhiKey { get; set; }
}
