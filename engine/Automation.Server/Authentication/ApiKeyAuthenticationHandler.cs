using System.Security.Claims;
using System.Text.Encodings.Web;
using Automation.Engine.Audit;
using Automation.Persistence.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Automation.Server.Authentication;

/// <summary>Authenticates machine clients by <c>Authorization: ApiKey &lt;key&gt;</c>; every use is logged by key id,
/// and a rejected key is audited as a failed sign-in.</summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccountService accounts,
    IAuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderPrefix = "ApiKey ";

    private readonly ILogger log = loggerFactory.CreateLogger<ApiKeyAuthenticationHandler>();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(HeaderPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await accounts.AuthenticateApiKeyAsync(header[HeaderPrefix.Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (key is null)
        {
            LogRejected(log);

            // Rejected keys are sign-in failures; accepted ones are logged per use, not audited per request.
            await audit.AppendAsync(new AuditEntry
            {
                Action = AuditActions.SignIn,
                Actor = Audit.AuditActor.Unknown,
                Result = "denied",
                Method = "apikey",
                Details = new Dictionary<string, string> { ["reason"] = "unknown-or-revoked-key" },
            }, Context.RequestAborted).ConfigureAwait(false);
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        LogUsed(log, key.Id, key.Role, Request.Path);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "apikey:" + key.Id), new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "API key {KeyId} ({Role}) used for {Path}")]
    private static partial void LogUsed(ILogger logger, string keyId, string role, string path);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "An unknown or revoked API key was presented")]
    private static partial void LogRejected(ILogger logger);
}
