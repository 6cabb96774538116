using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Automation.Designer.Tests;

/// <summary>
/// The real server process on a loopback port (SQLite in a temp folder, the repository's sample workflows, the sample
/// plugin in its plugins folder, a first admin from configuration) and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DesignerHost : IAsyncLifetime
{
    public const string AdminEmail = "admin@hospital.test";
    public const string Password = "designer test password";

    private readonly string data = Directory.CreateTempSubdirectory("automation-designer-").FullName;
    private ServerProcess? server;
    private string? adminSession;
    private IPlaywright? playwright;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The demo's SMTP capture port (mail sent here shows on the captured-mail page).</summary>
    public int DemoSmtpPort { get; } = ServerProcess.FreePort();

    /// <summary>The server's data folder (the demo keeps its recipient key in <c>demo-keys/</c>).</summary>
    public string DataFolder => data;

    public IBrowser Browser { get; private set; } = null!;

    public string ServerLog => server?.Log ?? "";

    public async Task InitializeAsync()
    {
        CopyDirectory(Path.Combine(ServerProcess.Repository, "activities/samples/Acme.SamplePlugin/bin", ServerProcess.Configuration, "net10.0"), Path.Combine(data, "plugins", "Acme.SamplePlugin"));
        server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Automation__DataPath"] = data,
            ["Automation__PluginsPath"] = Path.Combine(data, "plugins"),
            ["Automation__WorkflowsPath"] = Path.Combine(ServerProcess.Repository, "workflows"),
            ["Automation__Auth__InitialAdmin__Email"] = AdminEmail,
            ["Automation__Auth__InitialAdmin__Password"] = Password,

            // The embedded demo runs as a new user's first start would (synthetic patients, SMTP capture), on a free port.
            ["Automation__Demo__Enabled"] = "true",
            ["Automation__Demo__SmtpPort"] = DemoSmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        BaseUrl = server.BaseUrl;
        playwright = await Playwright.CreateAsync();
        Browser = await ServerProcess.LaunchChromiumAsync(playwright);
    }

    /// <summary>An API client signed in as the admin (one sign-in per run: sign-in is rate-limited).</summary>
    public async Task<HttpClient> AdminClientAsync()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        adminSession ??= await SignInAsync(client, AdminEmail, Password);
        using var session = JsonDocument.Parse(adminSession);
        var token = session.RootElement.GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A page on the journeys list, signed in as the admin with the session of <see cref="AdminClientAsync"/>
    /// put where the sign-in page keeps it. It costs no sign-in: the server allows 10 a minute per address and the
    /// browser tests all come from 127.0.0.1 (the sign-in form itself is driven by <see cref="SignedInPageAsync"/>).</summary>
    public async Task<IPage> AdminPageAsync()
    {
        using (await AdminClientAsync())
        {
            // Signs in once per run.
        }

        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(60_000);
        await page.AddInitScriptAsync($"sessionStorage.setItem('automation.session', {JsonSerializer.Serialize(adminSession)});");
        await page.GotoAsync(BaseUrl + "/designer/");
        await page.Locator("[data-test=user]").WaitForAsync();
        return page;
    }

    /// <summary>Creates a user with <paramref name="role"/> and returns its e-mail (password <see cref="Password"/>).</summary>
    public async Task<string> CreateUserAsync(string role)
    {
        using var admin = await AdminClientAsync();
        var email = $"{role}-{Guid.NewGuid():N}@hospital.test";
        (await admin.PostAsJsonAsync("/api/users", new { email, role, password = Password })).EnsureSuccessStatusCode();
        return email;
    }

    /// <summary>A page signed in through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(string email)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(BaseUrl + "/designer/");
        await page.WaitForURLAsync("**/designer/sign-in.html**");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.Locator("[data-test=user]").WaitForAsync(); // back on the page that asked for sign-in: the journeys list
        return page;
    }

    /// <summary>Saves a screenshot named after the test into the test output folder (used when a test fails).</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Runs a browser test on <paramref name="page"/>; when it fails, writes a screenshot (named
    /// <paramref name="name"/>) and the server log to <paramref name="output"/>. Closes the page either way.</summary>
    public async Task GuardAsync(IPage page, string name, ITestOutputHelper output, Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test();
        }
        catch
        {
            output.WriteLine("screenshot: " + await ScreenshotAsync(page, name));
            output.WriteLine("server log:\n" + ServerLog);
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        Directory.Delete(data, recursive: true);
    }

    // The sign-in response as the sign-in page stores it: {accessToken, expiresAt, email, role}.
    private static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email, password });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DesignerCollection : ICollectionFixture<DesignerHost>
{
    public const string Name = "designer";
}
