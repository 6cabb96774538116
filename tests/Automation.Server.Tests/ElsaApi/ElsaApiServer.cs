using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Engine.Descriptors;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.ElsaApi;

/// <summary>A server on a fresh SQLite folder with no sample workflows, the test authentication scheme and the
/// Healthcare.* stand-in activities the Studio fixtures use.</summary>
internal sealed class ElsaApiServer : WebApplicationFactory<Program>
{
    public const string Prefix = "/elsa/api";
    private readonly string data = Directory.CreateTempSubdirectory("automation-elsa-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var workflows = Path.Combine(data, "workflows");
        Directory.CreateDirectory(workflows);
        builder.UseSetting("Automation:DataPath", data);
        builder.UseSetting("Automation:WorkflowsPath", workflows);
        builder.UseSetting("Automation:Demo:Enabled", "false");
        builder.UseSetting("Automation:PluginsPath", Path.Combine(data, "plugins"));
        builder.ConfigureTestServices(services =>
        {
            services.AddTestAuth();
            services.AddSingleton(_ =>
            {
                var registry = new ActivityRegistry();
                registry.Register(typeof(FetchPatient));
                registry.Register(typeof(CheckConsent));
                registry.Register(typeof(SecureSend));
                return registry;
            });
        });
    }

    public HttpClient Client(string? role)
    {
        var client = CreateClient();
        client.BaseAddress = new Uri(client.BaseAddress!, Prefix + "/");
        if (role is not null)
        {
            client.DefaultRequestHeaders.Add(TestAuthHandler.RoleHeader, role);
        }

        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A late file handle; the temp folder is cleaned up by the OS.
            }
        }
    }

    public static JsonObject Fixture(string name) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ElsaStudio", name)))!;
}

internal static class HttpJson
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {response.StatusCode}, expected {expected}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> PostJsonAsync(this HttpClient client, string url, JsonNode body, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK) =>
        await (await client.PostAsync(url, JsonContent.Create(body))).JsonAsync(expected);

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK) =>
        await (await client.GetAsync(url)).JsonAsync(expected);
}
