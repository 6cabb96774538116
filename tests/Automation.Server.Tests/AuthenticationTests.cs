using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Automation.Persistence.Identity;
using Automation.Server.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Automation.Server.Tests;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private readonly string data = Directory.CreateTempSubdirectory("automation-auth-").FullName;
    private ServerFactory server = null!;

    public Task InitializeAsync()
    {
        server = new ServerFactory(data, Path.Combine(AppContext.BaseDirectory, "Workflows"), new StringWriter());
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(ServerFactory.AdminEmail, "wrong password entirely")]
    [InlineData("nobody@hospital.test", ServerFactory.AdminPassword)]
    public async Task SignIn_WrongEmailOrPassword_IsRefusedWith401(string email, string password)
    {
        var response = await server.CreateClient().PostAsJsonAsync("/api/auth/sign-in", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("accessToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_RightPassword_TokenCarriesRole()
    {
        var client = await server.SignedInClientAsync("designer");

        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal("designer", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Token_ForgedOrExpired_IsUnauthorized()
    {
        var client = server.CreateClient();
        var forged = Token(new SymmetricSecurityKey(new byte[32]), DateTime.UtcNow.AddMinutes(5));
        var expired = Token(server.Services.GetRequiredService<SigningKeyProvider>().Key, DateTime.UtcNow.AddMinutes(-5));

        foreach (var token in new[] { forged, expired, "not-a-token" })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/activities/descriptors")).StatusCode);
        }
    }

    [Theory]
    [InlineData("operator", "/api/users", HttpStatusCode.Forbidden)]
    [InlineData("auditor", "/api/activities/descriptors", HttpStatusCode.Forbidden)]
    [InlineData("operator", "/api/activities/descriptors", HttpStatusCode.OK)]
    [InlineData("admin", "/api/users", HttpStatusCode.OK)]
    public async Task Roles_AreCheckedOnEveryEndpoint(string role, string path, HttpStatusCode expected)
    {
        var client = await server.SignedInClientAsync(role);

        Assert.Equal(expected, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Anonymous_IsUnauthorizedExceptHealth()
    {
        var client = server.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/activities/descriptors")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task OpenApi_SignedIn_DescribesOwnApi()
    {
        var client = await server.SignedInClientAsync();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/workflows/{definitionId}/execute", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_CreatedByAdmin_AuthenticatesUntilRevokedAndIsStoredHashed()
    {
        var admin = await server.SignedInClientAsync();
        var created = await (await admin.PostAsJsonAsync("/api/api-keys", new { name = "ehr-bridge", role = "operator" })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("apiKey").GetString()!;
        var id = created.GetProperty("key").GetProperty("id").GetString()!;
        var machine = server.CreateClient();
        machine.DefaultRequestHeaders.Add("Authorization", "ApiKey " + key);

        Assert.Equal(HttpStatusCode.OK, (await machine.GetAsync("/api/activities/descriptors")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync("/api/users")).StatusCode);
        var listed = await admin.GetStringAsync("/api/api-keys");
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);
        var stored = Assert.Single(await server.Services.GetRequiredService<IIdentityStore>().ListApiKeysAsync());
        Assert.NotEqual(key, stored.KeyHash);
        Assert.DoesNotContain(key[10..], stored.KeyHash, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/api-keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await machine.GetAsync("/api/activities/descriptors")).StatusCode);
    }

    [Theory]
    [InlineData("not-an-email", "designer", "long enough password", "email")]
    [InlineData("new@hospital.test", "superuser", "long enough password", "role")]
    [InlineData("new@hospital.test", "designer", "short", "password")]
    [InlineData(ServerFactory.AdminEmail, "designer", "long enough password", "email")]
    public async Task CreateUser_BadInput_Is400NamingTheField(string email, string role, string password, string field)
    {
        var admin = await server.SignedInClientAsync();

        var response = await admin.PostAsJsonAsync("/api/users", new { email, role, password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task SignIn_TooManyAttempts_IsRateLimited()
    {
        var client = server.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/sign-in", new { email = "x@hospital.test", password = "guess number " + i })).StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Body_Over5Megabytes_Is413()
    {
        var client = await server.SignedInClientAsync();
        var content = new StringContent(new string('x', 5 * 1024 * 1024 + 1), System.Text.Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/workflows/delay-then-write/execute", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static string Token(SecurityKey key, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = TokenService.Issuer,
        Audience = TokenService.Audience,
        NotBefore = expires.AddHours(-1),
        IssuedAt = expires.AddHours(-1),
        Expires = expires,
        Subject = new ClaimsIdentity([new Claim(ClaimTypes.Role, "admin"), new Claim("sub", "attacker")]),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
