using System.Security.Claims;
using System.Text.Encodings.Web;
using Automation.Persistence.Identity;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Automation.Server.Tests.ElsaApi;

/// <summary>Authenticates from <c>X-Test-Role: &lt;role&gt;</c>, so tests exercise the endpoints' real
/// RequireAuthorization policies; no header means anonymous (401).</summary>
internal sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string RoleHeader = "X-Test-Role";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(RoleHeader, out var role) || string.IsNullOrEmpty(role))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "test-" + role), new Claim(ClaimTypes.Role, role.ToString())], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

internal static class TestAuth
{
    /// <summary>Makes the test scheme the default and defines the policies (roles as Policies.cs documents them)
    /// when the server has not registered them.</summary>
    public static IServiceCollection AddTestAuth(this IServiceCollection services)
    {
        services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, _ => { });
        services.PostConfigure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = TestAuthHandler.SchemeName;
            o.DefaultAuthenticateScheme = TestAuthHandler.SchemeName;
            o.DefaultChallengeScheme = TestAuthHandler.SchemeName;
            o.DefaultForbidScheme = TestAuthHandler.SchemeName;
        });
        services.AddAuthorization();
        services.PostConfigure<AuthorizationOptions>(o =>
        {
            AddIfMissing(o, Policies.ReadWorkflows, Roles.Admin, Roles.Designer, Roles.Operator);
            AddIfMissing(o, Policies.EditWorkflows, Roles.Admin, Roles.Designer);
            AddIfMissing(o, Policies.RunWorkflows, Roles.Admin, Roles.Designer, Roles.Operator);
            AddIfMissing(o, Policies.ReadAudit, Roles.Admin, Roles.Auditor);
            AddIfMissing(o, Policies.Administer, Roles.Admin);
        });
        return services;
    }

    private static void AddIfMissing(AuthorizationOptions options, string policy, params string[] roles)
    {
        if (options.GetPolicy(policy) is null)
        {
            options.AddPolicy(policy, p => p.AddAuthenticationSchemes(TestAuthHandler.SchemeName).RequireAuthenticatedUser().RequireRole(roles));
        }
    }
}
