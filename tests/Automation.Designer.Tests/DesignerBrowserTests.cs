using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Automation.Designer.Tests;

/// <summary>The real Elsa Studio, served by us, driven in Debian's Chromium: sign-in, journeys list, drag-and-drop
/// editing, publish, run, instance viewer, and roles.</summary>
[Collection(DesignerCollection.Name)]
public sealed class DesignerBrowserTests(DesignerHost host, ITestOutputHelper output)
{
    // Studio 3.8.2's editor toolbar: save (with the dirty badge), publish (first of the publish button group), run.
    private const string SaveButton = ".mud-toolbar .elsa-toolbar-icon button";
    private const string PublishButton = ".mud-toolbar .mud-button-group-root button.mud-primary-text";
    private const string RunButton = ".mud-toolbar button.mud-success-text";

    [Fact]
    public async Task SignIn_WrongPassword_IsRefusedOnTheSignInPage()
    {
        var page = await host.Browser.NewPageAsync();
        await GuardAsync(page, nameof(SignIn_WrongPassword_IsRefusedOnTheSignInPage), async () =>
        {
            await page.GotoAsync(host.BaseUrl + "/designer/sign-in.html");
            await page.FillAsync("#email", DesignerHost.AdminEmail);
            await page.FillAsync("#password", "not the password at all");
            await page.ClickAsync("button[type=submit]");

            await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("wrong");
            Assert.Contains("/designer/sign-in.html", page.Url, StringComparison.Ordinal);
            Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('automation.session')"));
        });
    }

    [Fact]
    public async Task JourneysList_AfterSignIn_ShowsPublishedSampleJourney()
    {
        var page = await host.SignedInPageAsync(DesignerHost.AdminEmail);
        await GuardAsync(page, nameof(JourneysList_AfterSignIn_ShowsPublishedSampleJourney), async () =>
        {
            var row = page.Locator("tr[data-definition-id=hello-world]");

            await Assertions.Expect(row).ToContainTextAsync("Hello world");
            await Assertions.Expect(row).ToContainTextAsync("Published");
            await Assertions.Expect(page.Locator("[data-test=user]")).ToContainTextAsync("(admin)");
        });
    }

    [Fact]
    public async Task Editor_DropConnectEditPublishRun_InstanceViewerShowsJournal()
    {
        var definitionId = await CreateJourneyWithStartAsync();
        var page = await host.SignedInPageAsync(DesignerHost.AdminEmail);
        await GuardAsync(page, nameof(Editor_DropConnectEditPublishRun_InstanceViewerShowsJournal), async () =>
        {
            // Open the editor: the flowchart is drawn by Studio from our API.
            var stopwatch = Stopwatch.StartNew();
            await page.GotoAsync(host.BaseUrl + "/designer/editor.html?id=" + definitionId);
            await page.Locator(".x6-node").First.WaitForAsync();
            output.WriteLine($"editor: flowchart drawn {stopwatch.ElapsedMilliseconds} ms after navigation");

            // The palette holds the core categories and the sample plugin's.
            await page.GetByText("Samples", new() { Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("[draggable=true]", new() { HasText = "Greet Patient" })).ToBeVisibleAsync();

            // Drop a Write Line onto the canvas.
            await page.GetByText("Console", new() { Exact = true }).ClickAsync();
            await page.Locator("[draggable=true]", new() { HasText = "Write Line" }).First
                .DragToAsync(page.Locator(".x6-graph").First, new() { TargetPosition = new TargetPosition { X = 500, Y = 300 } });
            await Assertions.Expect(page.Locator(".x6-node")).ToHaveCountAsync(2);

            // Connect Start's Done port to the new activity's In port.
            var from = (await page.Locator(".x6-port-body[port-group=out]").First.BoundingBoxAsync())!;
            var to = (await page.Locator(".x6-port-body[port-group=in]").First.BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(from.X + (from.Width / 2), from.Y + (from.Height / 2));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync((from.X + to.X) / 2, (from.Y + to.Y) / 2, new() { Steps = 5 });
            await page.Mouse.MoveAsync(to.X + (to.Width / 2), to.Y + (to.Height / 2), new() { Steps = 5 });
            await page.Mouse.UpAsync();
            await Assertions.Expect(page.Locator(".x6-edge")).ToHaveCountAsync(1);

            // Edit its Text input (the dropped activity is selected), then save from the toolbar.
            var text = page.Locator(".mud-input-control", new() { Has = page.Locator("label", new() { HasTextRegex = new("^Text$") }) }).Locator("input").First;
            await text.FillAsync("Hello from the browser");
            await page.Locator(SaveButton).ClickAsync();
            await WaitForAsync(async () => (await LatestAsync(definitionId)).ToJsonString().Contains("Hello from the browser", StringComparison.Ordinal));

            // Publish, then run from the toolbar.
            // Studio ignores a publish click while it is still finishing the save, so click until it takes.
            for (var attempt = 0; attempt < 5 && !(await LatestAsync(definitionId))["isPublished"]!.GetValue<bool>(); attempt++)
            {
                await page.Locator(PublishButton).ClickAsync();
                await page.WaitForTimeoutAsync(2000);
            }

            Assert.True((await LatestAsync(definitionId))["isPublished"]!.GetValue<bool>(), "the journey was not published");
            await page.Locator(RunButton).ClickAsync();
            var instance = await WaitForAsync(async () => (await InstancesAsync(definitionId)).FirstOrDefault());

            // What the browser built is what the server stored and ran.
            var saved = await LatestAsync(definitionId);
            var writeLine = saved["root"]!["activities"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Elsa.WriteLine")!;
            var connection = saved["root"]!["connections"]!.AsArray().Single()!;
            Assert.Equal("start", connection["source"]!["activity"]!.GetValue<string>());
            Assert.Equal(writeLine["id"]!.GetValue<string>(), connection["target"]!["activity"]!.GetValue<string>());
            Assert.Equal("Finished", instance["status"]!.GetValue<string>());

            // The instances list links to Studio's instance viewer, which shows the engine's journal.
            await page.GotoAsync(host.BaseUrl + "/designer/instances.html");
            var row = page.Locator($"tr[data-instance-id='{instance["id"]!.GetValue<string>()}']");
            await Assertions.Expect(row).ToContainTextAsync("Finished");
            await row.Locator("a").ClickAsync();
            await page.WaitForURLAsync("**/designer/instance.html?id=*");
            await Assertions.Expect(page.GetByText("Write Line - Completed").First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Start - Completed").First).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task PluginActivity_DroppedFromPalette_ShowsItsInputsWithTheirEditors()
    {
        var definitionId = await CreateJourneyWithStartAsync();
        var page = await host.SignedInPageAsync(DesignerHost.AdminEmail);
        await GuardAsync(page, nameof(PluginActivity_DroppedFromPalette_ShowsItsInputsWithTheirEditors), async () =>
        {
            await page.GotoAsync(host.BaseUrl + "/designer/editor.html?id=" + definitionId);
            await page.Locator(".x6-node").First.WaitForAsync();
            await page.GetByText("Samples", new() { Exact = true }).ClickAsync();
            await page.Locator("[draggable=true]", new() { HasText = "Greet Patient" }).First
                .DragToAsync(page.Locator(".x6-graph").First, new() { TargetPosition = new TargetPosition { X = 500, Y = 300 } });

            // The dropped (selected) plugin activity's panel: single line, dropdown, checkbox and multi-line editors.
            var panel = page.Locator(".mud-input-control", new() { Has = page.Locator("label", new() { HasTextRegex = new("^First Name$") }) });
            await Assertions.Expect(panel.Locator("input")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".mud-input-control.mud-select-extended", new() { Has = page.Locator("label", new() { HasTextRegex = new("^Language$") }) })).ToContainTextAsync("en");
            await Assertions.Expect(page.Locator(".mud-checkbox", new() { HasText = "Formal" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".mud-input-control", new() { Has = page.Locator("label", new() { HasTextRegex = new("^Closing$") }) }).Locator("textarea")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Operator_CannotSaveButCanOpenTheEditor()
    {
        var definitionId = await CreateJourneyWithStartAsync();
        var page = await host.SignedInPageAsync(await host.CreateUserAsync("operator"));
        await GuardAsync(page, nameof(Operator_CannotSaveButCanOpenTheEditor), async () =>
        {
            await Assertions.Expect(page.Locator("[data-test=create]")).ToBeHiddenAsync();
            await page.GotoAsync(host.BaseUrl + "/designer/editor.html?id=" + definitionId);
            await page.Locator(".x6-node").First.WaitForAsync();

            var status = await page.EvaluateAsync<int>(SaveAsSignedInUser, definitionId);

            Assert.Equal(403, status);
            Assert.Equal("Browser journey", (await LatestAsync(definitionId))["name"]!.GetValue<string>());
            await Assertions.Expect(page.Locator(PublishButton)).ToHaveCountAsync(0);
        });
    }

    // Posts a save to the Elsa API with the page's own session token, as Studio's auto-save would.
    private const string SaveAsSignedInUser = """
        async id => (await fetch('/elsa/api/workflow-definitions', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + JSON.parse(sessionStorage.getItem('automation.session')).accessToken },
            body: JSON.stringify({ model: { definitionId: id, name: 'Changed by operator', root: { id: 'root', type: 'Elsa.Flowchart' } }, publish: false })
        })).status
        """;

    private async Task<string> CreateJourneyWithStartAsync()
    {
        using var admin = await host.AdminClientAsync();
        var definitionId = "browser-" + Guid.NewGuid().ToString("N")[..8];
        var response = await admin.PostAsJsonAsync("/elsa/api/workflow-definitions", new
        {
            model = new
            {
                definitionId,
                name = "Browser journey",
                root = new
                {
                    id = "root",
                    type = "Elsa.Flowchart",
                    version = 1,
                    activities = new[] { new { id = "start", type = "Elsa.Start", version = 1, metadata = new { designer = new { position = new { x = 0, y = 0 } } } } },
                    connections = Array.Empty<object>(),
                },
            },
            publish = false,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return definitionId;
    }

    private async Task<JsonObject> LatestAsync(string definitionId)
    {
        using var admin = await host.AdminClientAsync();
        return (await admin.GetFromJsonAsync<JsonObject>($"/elsa/api/workflow-definitions/by-definition-id/{definitionId}?versionOptions=Latest"))!;
    }

    private async Task<IReadOnlyList<JsonObject>> InstancesAsync(string definitionId)
    {
        using var admin = await host.AdminClientAsync();
        var response = await admin.PostAsJsonAsync("/elsa/api/workflow-instances", new { definitionId });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await probe() is { } value && value is not false)
            {
                return value;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The expected state was not reached within 30 s.");
    }

    [Fact]
    public async Task ReportPage_ForAJourneyThatRan_DrawsTheFunnelAndListsTheSteps()
    {
        using (var admin = await host.AdminClientAsync())
        {
            (await admin.PostAsJsonAsync("/api/workflows/hello-world/execute", new { input = new { } })).EnsureSuccessStatusCode();
        }

        var auditor = await host.CreateUserAsync("auditor");
        var page = await host.SignedInPageAsync(auditor);
        await GuardAsync(page, nameof(ReportPage_ForAJourneyThatRan_DrawsTheFunnelAndListsTheSteps), async () =>
        {
            await page.GotoAsync(host.BaseUrl + "/designer/reports.html?id=hello-world");

            var greet = page.Locator("[data-test=steps] tr[data-activity-id=greet]");
            await Assertions.Expect(greet).ToContainTextAsync("Elsa.WriteLine");
            Assert.True(int.Parse(await greet.Locator("td.num").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

            // Chart.js drew into the canvases (a chart object exists and has data), in the browser, not on the server.
            Assert.True(await page.EvaluateAsync<bool>("() => { const c = Chart.getChart(document.getElementById('funnel')); return !!c && c.data.datasets[0].data[0] >= 1; }"));
            Assert.True(await page.EvaluateAsync<bool>("() => !!Chart.getChart(document.getElementById('methods'))"));
        });
    }

    [Fact]
    public async Task CapturedMailPage_OpensAnEncryptedReminderAsItsRecipientWouldReadIt()
    {
        // An S/MIME message for a demo recipient, delivered into the demo's capture over STARTTLS as secure send would
        // (the journeys' own sends depend on the time of day: quiet hours).
        var subject = "Reminder " + Guid.NewGuid().ToString("N")[..8];
        await SendSmimeToTheDemoAsync(subject, "<p>Your appointment is on Monday at 09:00 with Dr. Rivera.</p>");

        var page = await host.SignedInPageAsync(DesignerHost.AdminEmail);
        await GuardAsync(page, nameof(CapturedMailPage_OpensAnEncryptedReminderAsItsRecipientWouldReadIt), async () =>
        {
            await page.GotoAsync(host.BaseUrl + "/designer/mail.html");
            var row = page.Locator("[data-test=mail] tr", new PageLocatorOptions { HasText = subject });
            for (var attempt = 0; attempt < 30 && await row.CountAsync() == 0; attempt++)
            {
                await Task.Delay(500);
                await page.ClickAsync("[data-test=refresh]");
            }

            await row.ClickAsync();
            await Assertions.Expect(page.Locator("[data-test=method]")).ToHaveTextAsync("smime");
            await Assertions.Expect(page.Locator("[data-test=note]")).ToContainTextAsync("Decrypted with the demo recipient");
            var html = await page.Locator("[data-test=html]").GetAttributeAsync("srcdoc");
            Assert.Contains("Dr. Rivera", html, StringComparison.Ordinal);
            Assert.Equal("", await page.Locator("[data-test=html]").GetAttributeAsync("sandbox"));
        });
    }

    private async Task SendSmimeToTheDemoAsync(string subject, string html)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
            Path.Combine(host.DataFolder, "demo-keys", "demo-recipients.pfx"), null);
        var message = new MimeKit.MimeMessage { Subject = subject };
        message.From.Add(MimeKit.MailboxAddress.Parse("care@clinic.example.org"));
        message.To.Add(MimeKit.MailboxAddress.Parse("demo.patient@example.org"));
        using (var context = new MimeKit.Cryptography.TemporarySecureMimeContext())
        {
            var recipient = new MimeKit.Cryptography.CmsRecipient(certificate) { EncryptionAlgorithms = [MimeKit.Cryptography.EncryptionAlgorithm.Aes256] };
            message.Body = MimeKit.Cryptography.ApplicationPkcs7Mime.Encrypt(context, new MimeKit.Cryptography.CmsRecipientCollection { recipient }, new MimeKit.TextPart("html") { Text = html });
        }

        using var client = new MailKit.Net.Smtp.SmtpClient { SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13 };
        client.ServerCertificateValidationCallback = (_, _, _, _) => true; // the capture's certificate is generated at its start
        await client.ConnectAsync("127.0.0.1", host.DemoSmtpPort, MailKit.Security.SecureSocketOptions.StartTls);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    private Task GuardAsync(IPage page, string name, Func<Task> test) => host.GuardAsync(page, name, output, test);
}
