using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;

namespace Automation.Designer.Tests;

/// <summary>
/// The real server process on a loopback port (SQLite in a temp folder, the repository's sample workflows, the sample
/// plugin in its plugins folder, a first admin from configuration) and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DesignerHost : IAsyncLifetime
{
    public const string AdminEmail = "admin@hospital.test";
    public const string Password = "designer test password";

    private static readonly string Configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    private static readonly string Repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    private readonly string data = Directory.CreateTempSubdirectory("automation-designer-").FullName;
    private readonly StringWriter serverLog = new();
    private Process? server;
    private string? adminToken;
    private IPlaywright? playwright;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public string ServerLog
    {
        get
        {
            lock (serverLog)
            {
                return serverLog.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var serverBin = Path.Combine(Repository, "engine/Automation.Server/bin", Configuration, "net10.0");
        CopyDirectory(Path.Combine(Repository, "activities/samples/Acme.SamplePlugin/bin", Configuration, "net10.0"), Path.Combine(data, "plugins", "Acme.SamplePlugin"));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(serverBin, "Automation.Server.dll"), "--urls", BaseUrl])
        {
            WorkingDirectory = serverBin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Automation__DataPath"] = data;
        start.Environment["Automation__PluginsPath"] = Path.Combine(data, "plugins");
        start.Environment["Automation__WorkflowsPath"] = Path.Combine(Repository, "workflows");
        start.Environment["Automation__Auth__InitialAdmin__Email"] = AdminEmail;
        start.Environment["Automation__Auth__InitialAdmin__Password"] = Password;

        // The embedded demo runs as a new user's first start would (synthetic patients, SMTP capture), on a free port.
        start.Environment["Automation__Demo__Enabled"] = "true";
        start.Environment["Automation__Demo__SmtpPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        server = Process.Start(start)!;
        server.OutputDataReceived += (_, e) => Append(e.Data);
        server.ErrorDataReceived += (_, e) => Append(e.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        await WaitUntilReadyAsync();

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>An API client signed in as the admin (one sign-in per run: sign-in is rate-limited).</summary>
    public async Task<HttpClient> AdminClientAsync()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        adminToken ??= await SignInAsync(client, AdminEmail, Password);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        return client;
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

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        server?.Dispose();
        Directory.Delete(data, recursive: true);
    }

    private static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/sign-in", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (server!.HasExited)
            {
                throw new InvalidOperationException("The server exited during start-up:\n" + ServerLog);
            }

            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The server did not become ready in 90 s:\n" + ServerLog);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (serverLog)
        {
            serverLog.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
