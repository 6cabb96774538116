namespace Automation.Activities.Fhir.Sources;

/// <summary>SMART Backend Services (client credentials with a signed JWT assertion), bound from <c>Fhir:Server:Smart</c>.</summary>
public sealed class SmartBackendOptions
{
    /// <summary>The authorization server's token endpoint.</summary>
    public required Uri TokenEndpoint { get; init; }

    /// <summary>The client id registered with the EHR.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client's private key, PEM (RSA for RS384, or EC P-384 for ES384); from configuration, never committed.</summary>
    public required string PrivateKeyPem { get; init; }

    /// <summary>The key id (<c>kid</c>) the EHR knows the public key by.</summary>
    public string? KeyId { get; init; }

    /// <summary>The scopes requested. Default <c>system/*.read</c>.</summary>
    public string Scope { get; init; } = "system/*.read";
}
