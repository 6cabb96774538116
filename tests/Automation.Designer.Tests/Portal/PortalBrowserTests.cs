using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Automation.Designer.Tests.Portal;

/// <summary>The pickup portal in Chromium against the real server process: the whole flow, and the lockout.</summary>
public sealed class PortalBrowserTests(PortalBrowserHost host, ITestOutputHelper output) : IClassFixture<PortalBrowserHost>
{
    [Fact]
    public async Task Pickup_LinkBirthDateAndEmailedCode_ShowsTheMessage()
    {
        var (_, link) = await host.DepositAsync("Your lab result",
            "<p>Your HbA1c was <b>8.4 %</b>.</p><p id=\"probe\">untouched</p><script>document.getElementById('probe').textContent='script ran'</script>");
        var page = await host.Browser.NewPageAsync();
        await GuardAsync(page, nameof(Pickup_LinkBirthDateAndEmailedCode_ShowsTheMessage), async () =>
        {
            await page.GotoAsync(link);
            await Assertions.Expect(page.Locator("main[data-page=birth-date]")).ToBeVisibleAsync();
            var codesBefore = host.CodesSent;
            await page.FillAsync("#birthDate", PortalBrowserHost.BirthDate);
            await page.ClickAsync("button[type=submit]");

            await Assertions.Expect(page.Locator("main[data-page=code]")).ToBeVisibleAsync();
            var code = await host.NextCodeAsync(codesBefore);
            await page.FillAsync("#code", code);
            await page.ClickAsync("button[type=submit]");

            await Assertions.Expect(page.Locator("main[data-page=message] h1")).ToHaveTextAsync("Your lab result");
            var body = page.FrameLocator("iframe[data-test=message-html]");
            await Assertions.Expect(body.Locator("b")).ToHaveTextAsync("8.4 %");
            await Assertions.Expect(body.Locator("#probe")).ToHaveTextAsync("untouched");
            Assert.Equal("", await page.Locator("iframe[data-test=message-html]").GetAttributeAsync("sandbox"));
            Assert.EndsWith("/message", page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain(PortalBrowserHost.PatientId, page.Url, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Lockout_FiveWrongBirthDates_LocksAndTheRightOneIsThenRefused()
    {
        var (_, link) = await host.DepositAsync("Appointment details", "<p>See you on Monday.</p>");
        var context = await host.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var second = await context.NewPageAsync();
        await GuardAsync(page, nameof(Lockout_FiveWrongBirthDates_LocksAndTheRightOneIsThenRefused), async () =>
        {
            await second.GotoAsync(link); // a form opened before the lockout, used after it
            await page.GotoAsync(link);
            var codesBefore = host.CodesSent;
            for (var i = 1; i <= 5; i++)
            {
                await page.FillAsync("#birthDate", $"1970-01-0{i}");
                await page.ClickAsync("button[type=submit]");
                if (i < 5)
                {
                    await Assertions.Expect(page.Locator("[data-test=problem]")).ToContainTextAsync($"{5 - i} attempt");
                }
            }

            await Assertions.Expect(page.Locator("main[data-page=locked]")).ToBeVisibleAsync();

            await second.FillAsync("#birthDate", PortalBrowserHost.BirthDate);
            await second.ClickAsync("button[type=submit]");
            await Assertions.Expect(second.Locator("main[data-page=locked]")).ToBeVisibleAsync();

            await page.GotoAsync(link);
            await Assertions.Expect(page.Locator("main[data-page=locked]")).ToBeVisibleAsync();
            Assert.Equal(codesBefore, host.CodesSent);
        });
        await context.DisposeAsync();
    }

    private async Task GuardAsync(IPage page, string name, Func<Task> test)
    {
        page.SetDefaultTimeout(30_000);
        try
        {
            await test();
        }
        catch
        {
            output.WriteLine("screenshot: " + await DesignerHost.ScreenshotAsync(page, name));
            output.WriteLine(host.ServerLog);
            throw;
        }
    }
}
