using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Automation.Engine.Execution;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests;

/// <summary>A server on a given SQLite data folder and workflows folder, with a configured first admin.</summary>
internal sealed class ServerFactory(string dataFolder, string workflowsFolder, StringWriter console, IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@hospital.test";
    public const string AdminPassword = "correct horse battery staple";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Automation:DataPath", dataFolder);
        builder.UseSetting("Automation:WorkflowsPath", workflowsFolder);
        builder.UseSetting("Automation:Demo:Enabled", "false");
        builder.UseSetting("Automation:PluginsPath", Path.Combine(dataFolder, "plugins"));
        builder.UseSetting("Automation:Auth:InitialAdmin:Email", AdminEmail);
        builder.UseSetting("Automation:Auth:InitialAdmin:Password", AdminPassword);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(collection =>
        {
            collection.AddSingleton(new WorkflowConsole(console));
            services?.Invoke(collection);
        });
    }

    /// <summary>A client signed in as the first admin, or as a new user of <paramref name="role"/> the admin creates.</summary>
    public async Task<HttpClient> SignedInClientAsync(string role = "admin")
    {
        var client = CreateClient();
        var token = await SignInAsync(client, AdminEmail, AdminPassword);
        if (role != "admin")
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var email = $"{role}-{Guid.NewGuid():N}@hospital.test";
            (await client.PostAsJsonAsync("/api/users", new { email, role, password = AdminPassword })).EnsureSuccessStatusCode();
            token = await SignInAsync(client, email, AdminPassword);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
