using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Automation.Activities.Fhir.Sources;

/// <summary>
/// Gets access tokens by SMART Backend Services: a short-lived JWT assertion signed with the client's key is exchanged
/// for an access token, which is cached until a minute before it expires.
/// </summary>
internal sealed class SmartBackendTokenProvider : IDisposable
{
    private readonly SmartBackendOptions options;
    private readonly TimeProvider timeProvider;
    private readonly HttpClient http;
    private readonly SigningCredentials credentials;
    private readonly AsymmetricAlgorithm key;
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? cached;

    public SmartBackendTokenProvider(SmartBackendOptions options, TimeProvider timeProvider, HttpMessageHandler transport)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        http = new HttpClient(transport, disposeHandler: false);
        if (options.PrivateKeyPem.Contains("EC PRIVATE KEY", StringComparison.Ordinal) || options.PrivateKeyPem.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal) && TryEc(options.PrivateKeyPem) is not null)
        {
            var ec = TryEc(options.PrivateKeyPem)!;
            key = ec;
            credentials = new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = options.KeyId }, SecurityAlgorithms.EcdsaSha384);
        }
        else
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(options.PrivateKeyPem);
            key = rsa;
            credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = options.KeyId }, SecurityAlgorithms.RsaSha384);
        }
    }

    /// <summary>How many times a token was requested (for tests and metrics).</summary>
    public int TokenRequests { get; private set; }

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (cached is { } current && now < current.RenewAt)
            {
                return current.Token;
            }

            var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = options.ClientId,
                Audience = options.TokenEndpoint.ToString(),
                Claims = new Dictionary<string, object> { ["sub"] = options.ClientId, ["jti"] = Guid.NewGuid().ToString("N") },
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = now.AddMinutes(5).UtcDateTime,
                SigningCredentials = credentials,
            });
            using var request = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = options.Scope,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
            });
            TokenRequests++;
            using var response = await http.PostAsync(options.TokenEndpoint, request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new FhirSourceException($"The SMART token endpoint refused the client credentials with HTTP {(int)response.StatusCode}.", (int)response.StatusCode);
            }

            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false)
                ?? throw new FhirSourceException("The SMART token endpoint answered without a token.");
            var lifetime = TimeSpan.FromSeconds(body.ExpiresIn > 0 ? body.ExpiresIn : 300);
            cached = (body.AccessToken, now + lifetime - TimeSpan.FromSeconds(Math.Min(60, lifetime.TotalSeconds / 2)));
            return body.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        http.Dispose();
        key.Dispose();
        gate.Dispose();
    }

    private static ECDsa? TryEc(string pem)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
            return null;
        }
        catch (ArgumentException)
        {
            ec.Dispose();
            return null;
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
