using System.Security.Claims;
using System.Threading.RateLimiting;
using Automation.Persistence;
using Automation.Persistence.Identity;
using Automation.Server.Authorization;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Automation.Server.Authentication;

/// <summary>Registers sign-in: bearer tokens (the shell and Studio), API keys (machines), the role policies and the
/// sign-in rate limit.</summary>
internal static class AuthenticationServiceCollectionExtensions
{
    public const string SignInRateLimit = "sign-in";
    private const string SelectScheme = "Automation";

    public static IServiceCollection AddAutomationAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Automation:Auth:TokenLifetime must be positive.")
            .Validate(o => o.SignInAttemptsPerMinute > 0, "Automation:Auth:SignInAttemptsPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenService>();
        services.AddSingleton(provider =>
        {
            var database = provider.GetRequiredService<ServerDatabase>();
            return database.Pool is { } pool ? WorkflowStoreFactory.CreateIdentityStore(pool) : WorkflowStoreFactory.CreateIdentityStore(database.Provider, database.ConnectionString);
        });
        services.AddSingleton<AccountService>();
        services.AddHostedService<IdentityBootstrapService>();

        services.AddAuthentication(SelectScheme)
            .AddPolicyScheme(SelectScheme, "Bearer token or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith(ApiKeyAuthenticationHandler.HeaderPrefix, StringComparison.Ordinal)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeyProvider>((o, keys) =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = TokenService.Issuer,
                ValidAudience = TokenService.Audience,
                IssuerSigningKey = keys.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                RoleClaimType = ClaimTypes.Role,
                NameClaimType = "email",
            };
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.ReadWorkflows, p => p.RequireRole(Roles.Admin, Roles.Designer, Roles.Operator))
            .AddPolicy(Policies.EditWorkflows, p => p.RequireRole(Roles.Admin, Roles.Designer))
            .AddPolicy(Policies.RunWorkflows, p => p.RequireRole(Roles.Admin, Roles.Designer, Roles.Operator))
            .AddPolicy(Policies.ReadAudit, p => p.RequireRole(Roles.Admin, Roles.Auditor))
            .AddPolicy(Policies.ReadReports, p => p.RequireRole(Roles.Admin, Roles.Designer, Roles.Auditor))
            .AddPolicy(Policies.Administer, p => p.RequireRole(Roles.Admin));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }
}
