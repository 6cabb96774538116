using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Automation.Engine.Audit;
using Automation.Persistence.Identity;
using Automation.Server.Audit;
using Automation.Server.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Authentication;

/// <summary>Sign-in, the current user, and the admin's user and API-key management.</summary>
internal static partial class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Authentication");
        auth.MapPost("/sign-in", SignInAsync).AllowAnonymous().RequireRateLimiting(AuthenticationServiceCollectionExtensions.SignInRateLimit).WithName("SignIn");
        auth.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new Me(user.FindFirstValue("email") ?? user.Identity?.Name, user.FindFirstValue(ClaimTypes.Role))))
            .RequireAuthorization().WithName("GetCurrentUser");

        var admin = app.MapGroup("/api").RequireAuthorization(Policies.Administer).WithTags("Administration");
        admin.MapGet("/users", ListUsersAsync).WithName("ListUsers");
        admin.MapPost("/users", CreateUserAsync).WithName("CreateUser");
        admin.MapGet("/api-keys", ListKeysAsync).WithName("ListApiKeys");
        admin.MapPost("/api-keys", CreateKeyAsync).WithName("CreateApiKey");
        admin.MapDelete("/api-keys/{id}", RevokeKeyAsync).WithName("RevokeApiKey");
        return app;
    }

    private static async Task<Results<Ok<SignInResponse>, ProblemHttpResult>> SignInAsync(
        SignInRequest? request, AccountService accounts, TokenService tokens, IAuditLog audit, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Automation.Server.Authentication.SignIn");
        var user = request is null ? null : await accounts.VerifyPasswordAsync(request.Email ?? "", request.Password ?? "", cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            LogSignInFailed(logger, Fingerprint(request?.Email));

            // The address someone tried is not recorded: it may be mistyped personal data, and it is not an actor.
            await audit.AppendAsync(SignInEntry(AuditActor.Unknown, "denied", "password", new() { ["reason"] = "bad-credentials" }), cancellationToken).ConfigureAwait(false);
            return TypedResults.Problem(title: "Sign-in failed", detail: "The e-mail or password is wrong.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var (token, expiresAt) = tokens.Issue(user);
        LogSignedIn(logger, user.Id, user.Role);
        await audit.AppendAsync(SignInEntry(user.Id, "granted", "password", new() { ["role"] = user.Role }), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new SignInResponse(token, expiresAt, user.Email, user.Role));
    }

    private static async Task<Ok<IEnumerable<UserSummary>>> ListUsersAsync(IIdentityStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(u => new UserSummary(u.Id, u.Email, u.Role, u.CreatedAt)));

    private static async Task<Results<Created<UserSummary>, ValidationProblem>> CreateUserAsync(
        CreateUserRequest request, AccountService accounts, IAuditLog audit, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        try
        {
            var user = await accounts.CreateUserAsync(request.Email ?? "", request.Role ?? "", request.Password ?? "", cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(ChangeEntry(caller, "user.create", new() { ["userId"] = user.Id, ["role"] = user.Role }), cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/users/{user.Id}", new UserSummary(user.Id, user.Email, user.Role, user.CreatedAt));
        }
        catch (AccountException exception)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [exception.Field] = [exception.Message] });
        }
    }

    private static async Task<Ok<IEnumerable<ApiKeySummary>>> ListKeysAsync(IIdentityStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListApiKeysAsync(cancellationToken).ConfigureAwait(false)).Select(ApiKeySummary.From));

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateKeyAsync(
        CreateApiKeyRequest request, AccountService accounts, IAuditLog audit, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        try
        {
            var (account, key) = await accounts.CreateApiKeyAsync(request.Name ?? "", request.Role ?? "", cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(ChangeEntry(caller, "api-key.create", new() { ["apiKeyId"] = account.Id, ["role"] = account.Role }), cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/api-keys/{account.Id}", new CreatedApiKey(ApiKeySummary.From(account), key));
        }
        catch (AccountException exception)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [exception.Field] = [exception.Message] });
        }
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKeyAsync(
        string id, IIdentityStore store, TimeProvider time, IAuditLog audit, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await store.RevokeApiKeyAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.NotFound();
        }

        await audit.AppendAsync(ChangeEntry(caller, "api-key.revoke", new() { ["apiKeyId"] = id }), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static AuditEntry SignInEntry(string actor, string result, string method, Dictionary<string, string> details) =>
        new() { Action = AuditActions.SignIn, Actor = actor, Result = result, Method = method, Details = details };

    private static AuditEntry ChangeEntry(ClaimsPrincipal caller, string operation, Dictionary<string, string> details)
    {
        details["operation"] = operation;
        return new AuditEntry { Action = AuditActions.ConfigurationChange, Actor = AuditActor.Of(caller), Result = "succeeded", Details = details };
    }

    // Failed sign-ins are logged by a short hash of the e-mail, enough to spot a pattern without storing the address.
    private static string Fingerprint(string? email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToLowerInvariant())))[..12];

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "User {UserId} ({Role}) signed in")]
    private static partial void LogSignedIn(ILogger logger, string userId, string role);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Failed sign-in for e-mail fingerprint {Fingerprint}")]
    private static partial void LogSignInFailed(ILogger logger, string fingerprint);
}

internal sealed record SignInRequest(string? Email, string? Password);

internal sealed record SignInResponse(string AccessToken, DateTimeOffset ExpiresAt, string Email, string Role);

internal sealed record Me(string? Email, string? Role);

internal sealed record UserSummary(string Id, string Email, string Role, DateTimeOffset CreatedAt);

internal sealed record CreateUserRequest(string? Email, string? Role, string? Password);

internal sealed record CreateApiKeyRequest(string? Name, string? Role);

internal sealed record ApiKeySummary(string Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeySummary From(ApiKeyAccount key) => new(key.Id, key.Name, key.Role, key.Prefix, key.CreatedAt, key.RevokedAt);
}

/// <summary>The key text is returned once, here, and never again.</summary>
internal sealed record CreatedApiKey(ApiKeySummary Key, string ApiKey);
