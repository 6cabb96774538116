using System.Security.Claims;
using Automation.Persistence.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Automation.Server.Authentication;

/// <summary>Issues the short-lived, signed access tokens the shell hands to Elsa Studio.</summary>
internal sealed class TokenService(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    public const string Issuer = "automation";
    public const string Audience = "automation";

    private readonly JsonWebTokenHandler handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(UserAccount user)
    {
        var lifetime = options.Value.TokenLifetime > TimeSpan.FromHours(12) ? TimeSpan.FromHours(12) : options.Value.TokenLifetime;
        var now = timeProvider.GetUtcNow();
        var expires = now + lifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id),
                new Claim(JwtRegisteredClaimNames.Email, user.Email),
                new Claim(ClaimTypes.Role, user.Role),
            ]),
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
