using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

namespace Automation.Designer.Tests;

/// <summary>
/// The real server executable (the build's <c>Automation.Server.dll</c>) on a free loopback port with the given
/// settings as environment variables, its output kept for failure messages; and Debian's Chromium for Playwright.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public static readonly string Configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
    public static readonly string Repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    private readonly StringWriter log = new();
    private readonly Process process;

    private ServerProcess(string baseUrl, IReadOnlyDictionary<string, string> settings)
    {
        BaseUrl = baseUrl;
        var bin = Path.Combine(Repository, "engine/Automation.Server/bin", Configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(bin, "Automation.Server.dll"), "--urls", baseUrl])
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts the server and waits until /health/ready answers (90 s at most).</summary>
    /// <param name="settings">Environment variables, such as <c>Automation__DataPath</c>.</param>
    /// <param name="port">The port, or 0 for a free one.</param>
    /// <returns>The running server.</returns>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int port = 0)
    {
        var server = new ServerProcess($"http://127.0.0.1:{(port == 0 ? FreePort() : port)}", settings);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>Launches Debian's Chromium headless (no browser download works here).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The server exited during start-up:\n" + Log);
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

        throw new TimeoutException("The server did not become ready in 90 s:\n" + Log);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
