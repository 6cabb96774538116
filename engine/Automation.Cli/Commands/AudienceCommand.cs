using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Automation.Cli.Commands;

/// <summary>
/// <c>automation audience enter JOURNEY --segment ID</c>: asks a running server to enter a segment's members into a
/// journey (<c>POST /api/journeys/{id}/audience</c>) and draws the run's progress until it ends: members read of the
/// segment's count, with entered, already in the journey and kept out by the consent screen. With <c>--run-id</c> it
/// resumes or watches that run. The run belongs to the server: stopping the command (Ctrl+C) stops the watching only.
/// Exit 0 when the run completed, 1 when it failed, 2 when the server refused the request.
/// </summary>
internal static class AudienceCommand
{
    private const int BarWidth = 30;

    public static Command Create(TextWriter output, TextWriter error, HttpMessageHandler? transport) =>
        new("audience", "Audience entry on a running server.") { Enter(output, error, transport) };

    private static Command Enter(TextWriter output, TextWriter error, HttpMessageHandler? transport)
    {
        var journey = new Argument<string>("journey") { Description = "The journey's definition id (published)." };
        var segment = new Option<string>("--segment") { Description = "The segment whose members enter.", Required = true };
        var runId = new Option<string?>("--run-id") { Description = "Resume or watch this run instead of starting a new one." };
        var server = new Option<string>("--server")
        {
            Description = "The server's base address (default: AUTOMATION_SERVER, else http://127.0.0.1:5080).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AUTOMATION_SERVER") is { Length: > 0 } configured ? configured : "http://127.0.0.1:5080",
        };
        var apiKey = new Option<string?>("--api-key") { Description = "An API key with the operator, designer or admin role (default: AUTOMATION_API_KEY)." };
        var interval = new Option<int>("--interval-ms") { Description = "How often to read the run's progress.", DefaultValueFactory = _ => 1000 };
        var command = new Command("enter", "Enters a segment's members into a journey on the server and shows the run's progress until it ends.")
        {
            journey, segment, runId, server, apiKey, interval,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var key = parseResult.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("AUTOMATION_API_KEY");
            if (string.IsNullOrWhiteSpace(key))
            {
                await error.WriteLineAsync("--api-key: an API key is needed (or AUTOMATION_API_KEY); an admin creates one with POST /api/api-keys.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var every = parseResult.GetValue(interval);
            if (every is < 50 or > 60_000)
            {
                await error.WriteLineAsync("--interval-ms: must be from 50 to 60000.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (!Uri.TryCreate(parseResult.GetValue(server), UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"--server: '{parseResult.GetValue(server)}' is not an http or https address.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            if (given.Scheme == "http" && !given.IsLoopback)
            {
                await error.WriteLineAsync($"--server: use https for a server on another machine ({given.Host}); the API key would travel in clear.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            // A base with a path (https://host/automation) keeps it: relative paths resolve under it only with a final slash.
            var baseAddress = given.AbsoluteUri.EndsWith('/') ? given : new Uri(given.AbsoluteUri + "/");
            using var http = transport is null ? new HttpClient() : new HttpClient(transport, disposeHandler: false);
            http.BaseAddress = baseAddress;
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);
            var watch = new Watch(output, error, http, redraw: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
            try
            {
                return await watch.EnterAsync(parseResult.GetValue(journey)!, parseResult.GetValue(segment)!, parseResult.GetValue(runId), every, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                await error.WriteLineAsync($"Cannot reach the server at {baseAddress}: {exception.Message}").ConfigureAwait(false);
                return CliApplication.Failed;
            }
        });
        return command;
    }

    // Redraw: a terminal gets one line redrawn in place; a file or pipe gets a line per change.
    private sealed class Watch(TextWriter output, TextWriter error, HttpClient http, bool redraw)
    {
        public async Task<int> EnterAsync(string journey, string segment, string? runId, int intervalMs, CancellationToken cancellationToken)
        {
            // The segment's size now is the bar's whole; the run reads the same segment a moment later.
            using var counted = await http.PostAsync($"api/segments/{Uri.EscapeDataString(segment)}/count", null, cancellationToken).ConfigureAwait(false);
            if (!counted.IsSuccessStatusCode)
            {
                return await RefusedAsync(counted, "segment", cancellationToken).ConfigureAwait(false);
            }

            var total = (await counted.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("count").GetInt64();
            using var started = await http.PostAsJsonAsync($"api/journeys/{Uri.EscapeDataString(journey)}/audience", new { segment, runId }, cancellationToken).ConfigureAwait(false);
            if (!started.IsSuccessStatusCode)
            {
                return await RefusedAsync(started, "journey", cancellationToken).ConfigureAwait(false);
            }

            runId = (await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("runId").GetString()!;
            await output.WriteLineAsync($"run {runId}: {total.ToString("N0", CultureInfo.InvariantCulture)} members in segment {segment}").ConfigureAwait(false);
            string? last = null;
            try
            {
                while (true)
                {
                    using var read = await http.GetAsync($"api/audience-runs/{Uri.EscapeDataString(runId)}", cancellationToken).ConfigureAwait(false);
                    if (!read.IsSuccessStatusCode)
                    {
                        return await RefusedAsync(read, "runId", cancellationToken).ConfigureAwait(false);
                    }

                    var run = (await read.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false))!;
                    var line = Line(run, total);
                    if (line != last)
                    {
                        await output.WriteAsync(redraw ? "\r" + line : line + Environment.NewLine).ConfigureAwait(false);
                        last = line;
                    }

                    switch (run.GetProperty("status").GetString())
                    {
                        case "completed":
                            await output.WriteLineAsync((redraw ? Environment.NewLine : "") + $"completed: {Counts(run)}").ConfigureAwait(false);
                            return CliApplication.Ok;
                        case "failed":
                            if (redraw)
                            {
                                await output.WriteLineAsync().ConfigureAwait(false);
                            }

                            await error.WriteLineAsync($"failed: {(run.TryGetProperty("error", out var why) ? why.GetString() : null) ?? "no reason given"}; "
                                + $"it resumes from its saved position with --run-id {runId}").ConfigureAwait(false);
                            return CliApplication.Failed;
                    }

                    await Task.Delay(intervalMs, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"{Environment.NewLine}Stopped watching; the run goes on on the server (watch it again with --run-id {runId}).").ConfigureAwait(false);
                return CliApplication.Failed;
            }
        }

        private static string Line(JsonElement run, long total)
        {
            var position = run.GetProperty("position").GetInt64();
            var share = total == 0 ? 1.0 : Math.Min(1.0, (double)position / total);
            var filled = (int)Math.Round(share * BarWidth);
            return string.Create(CultureInfo.InvariantCulture,
                $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {share * 100,3:F0}% {position:N0}/{total:N0} members, {Counts(run)}");
        }

        private static string Counts(JsonElement run) => string.Create(CultureInfo.InvariantCulture,
            $"{run.GetProperty("entered").GetInt64():N0} entered, {run.GetProperty("skipped").GetInt64():N0} already in the journey, {run.GetProperty("excluded").GetInt64():N0} kept out by the consent screen");

        // Problem details name the field at fault; print it with the server's explanation.
        private async Task<int> RefusedAsync(HttpResponseMessage response, string fieldUnlessNamed, CancellationToken cancellationToken)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                await error.WriteLineAsync($"--api-key: the server refused the key ({(int)response.StatusCode}); it needs the operator, designer or admin role.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var (field, detail) = (fieldUnlessNamed, text);
            try
            {
                var problem = JsonDocument.Parse(text).RootElement;
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.EnumerateObject().FirstOrDefault() is { Value.ValueKind: JsonValueKind.Array } first)
                {
                    (field, detail) = (first.Name, string.Join(" ", first.Value.EnumerateArray().Select(e => e.GetString())));
                }
                else
                {
                    field = problem.TryGetProperty("field", out var named) ? named.GetString() ?? fieldUnlessNamed : fieldUnlessNamed;
                    detail = problem.TryGetProperty("detail", out var said) ? said.GetString() ?? text : text;
                }
            }
            catch (JsonException)
            {
                // Not problem details: the body as it came.
            }

            await error.WriteLineAsync($"{field}: {detail} ({(int)response.StatusCode})").ConfigureAwait(false);
            return CliApplication.Invalid;
        }
    }
}
