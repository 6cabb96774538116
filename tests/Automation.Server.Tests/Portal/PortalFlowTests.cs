using System.Net;
using Automation.Engine.Audit;

namespace Automation.Server.Tests.Portal;

/// <summary>The pickup pages through HTTP: link, date of birth, one-time code, message; lockout, expiry, retraction.</summary>
public sealed class PortalFlowTests : IDisposable
{
    private readonly PortalServer server = new();

    public void Dispose() => server.Dispose();

    [Fact]
    public async Task Pickup_RightBirthDateAndCode_ShowsTheMessageSandboxed()
    {
        var (messageId, path) = await server.DepositAsync("<p>Your HbA1c was <b>8.4 %</b>.</p><script>alert(1)</script>");
        using var browser = server.Browser();

        var open = await browser.GetAsync(path);
        var openPage = await open.Content.ReadAsStringAsync();
        var afterBirthDate = await PortalServer.SubmitAsync(browser, openPage, path, ("birthDate", PortalServer.BirthDate));
        var codeForm = await browser.GetAsync(afterBirthDate.Headers.Location!.OriginalString);
        var code = Assert.Single(server.Codes.Sent);
        var afterCode = await PortalServer.SubmitAsync(browser, await codeForm.Content.ReadAsStringAsync(), path + "/code", ("code", code.Code));
        var message = await browser.GetAsync(afterCode.Headers.Location!.OriginalString);
        var messagePage = await message.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Contains("data-page=\"birth-date\"", openPage, StringComparison.Ordinal);
        Assert.True(open.Headers.CacheControl!.NoStore);
        Assert.Equal("no-referrer", open.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(HttpStatusCode.Redirect, afterBirthDate.StatusCode);
        Assert.Equal(path + "/code", afterBirthDate.Headers.Location!.OriginalString);
        Assert.Contains("data-page=\"code\"", await codeForm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("jane.doe@example.test", code.RecipientAddress);
        Assert.Equal(path + "/message", afterCode.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, message.StatusCode);
        Assert.True(message.Headers.CacheControl!.NoStore);
        Assert.Contains("<h1>Your lab result</h1>", messagePage, StringComparison.Ordinal);
        Assert.Contains("sandbox=\"\"", messagePage, StringComparison.Ordinal);
        Assert.Contains("srcdoc=\"&lt;p&gt;Your HbA1c was &lt;b&gt;8.4 %&lt;/b&gt;.&lt;/p&gt;&lt;script&gt;", messagePage, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", messagePage, StringComparison.Ordinal);
        Assert.Equal(["opened", "code-sent", "read"], Results(messageId));
    }

    [Fact]
    public async Task Pickup_UrlsAndCookies_CarryNoPhi()
    {
        var (_, path) = await server.DepositAsync();
        using var browser = server.Browser();
        var open = await browser.GetAsync(path);
        var afterBirthDate = await PortalServer.SubmitAsync(browser, await open.Content.ReadAsStringAsync(), path, ("birthDate", PortalServer.BirthDate));

        var cookies = string.Join(";", afterBirthDate.Headers.GetValues("Set-Cookie"));

        foreach (var phi in new[] { PortalServer.PatientId, "jane", "1961", "HbA1c", "lab result" })
        {
            Assert.DoesNotContain(phi, path, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(phi, cookies, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("httponly", cookies, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookies, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=" + path, cookies, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BirthDatePost_WithoutTheAntiforgeryToken_IsRefusedAndSendsNoCode()
    {
        var (messageId, path) = await server.DepositAsync();
        using var browser = server.Browser();
        await browser.GetAsync(path);

        var forged = await browser.PostAsync(path, new FormUrlEncodedContent([new("birthDate", PortalServer.BirthDate)]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("data-page=\"refused\"", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Codes.Sent);
        Assert.DoesNotContain("code-sent", Results(messageId));
    }

    [Fact]
    public async Task MessagePage_WithoutTheCode_ShowsNoContent()
    {
        var (_, path) = await server.DepositAsync();
        using var browser = server.Browser();
        var open = await browser.GetAsync(path);
        await PortalServer.SubmitAsync(browser, await open.Content.ReadAsStringAsync(), path, ("birthDate", PortalServer.BirthDate));

        var message = await browser.GetAsync(path + "/message");
        var page = await message.Content.ReadAsStringAsync();

        Assert.Contains("data-page=\"birth-date\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("HbA1c", page, StringComparison.Ordinal);
        Assert.DoesNotContain("lab result", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lockout_FiveWrongBirthDates_LockThePageAndRefuseTheRightOne()
    {
        var (messageId, path) = await server.DepositAsync();
        using var browser = server.Browser();
        var page = await (await browser.GetAsync(path)).Content.ReadAsStringAsync();

        HttpResponseMessage response = null!;
        for (var i = 1; i <= 5; i++)
        {
            response = await PortalServer.SubmitAsync(browser, page, path, ("birthDate", $"1970-01-0{i}"));
            if (i < 5)
            {
                page = await response.Content.ReadAsStringAsync();
                Assert.Contains("does not match", page, StringComparison.Ordinal);
                Assert.Contains($"{5 - i} attempt", page, StringComparison.Ordinal);
            }
        }

        var locked = await response.Content.ReadAsStringAsync();
        var right = await PortalServer.SubmitAsync(browser, page, path, ("birthDate", PortalServer.BirthDate));

        Assert.Equal((HttpStatusCode)423, response.StatusCode);
        Assert.Contains("data-page=\"locked\"", locked, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode)423, right.StatusCode);
        Assert.Empty(server.Codes.Sent);
        Assert.Equal(5, Results(messageId).Count(r => r == "identity-failed"));
        Assert.Contains("locked", Results(messageId));

        server.Clock.Advance(TimeSpan.FromMinutes(31));
        var afterLockout = await browser.GetAsync(path);
        Assert.Contains("data-page=\"birth-date\"", await afterLockout.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_ALinkPastItsMessageExpiry_ShowsTheExpiredPage()
    {
        var (messageId, path) = await server.DepositAsync(lifetime: TimeSpan.FromDays(2));

        server.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        using var browser = server.Browser();
        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("data-page=\"expired\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["expired"], Results(messageId));
    }

    [Fact]
    public async Task Retract_ByADesigner_WithdrawsTheMessageAndIsAudited()
    {
        var (messageId, path) = await server.DepositAsync();
        using var designer = await server.SignedInAsync("designer");
        using var operatorClient = await server.SignedInAsync("operator");

        var byOperator = await operatorClient.PostAsync($"/api/portal/messages/{messageId}/retract", null);
        var byDesigner = await designer.PostAsync($"/api/portal/messages/{messageId}/retract", null);
        var again = await designer.PostAsync($"/api/portal/messages/{messageId}/retract", null);
        using var browser = server.Browser();
        var page = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, byDesigner.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("messageId", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Contains("data-page=\"retracted\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bySender = Assert.Single(server.Audit.Entries, e => e.MessageId == messageId && e.Result == "retracted" && e.Actor != "recipient");
        Assert.False(string.IsNullOrEmpty(bySender.Actor));
        Assert.DoesNotContain("@", bySender.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_Altered_ShowsNotFound()
    {
        var (_, path) = await server.DepositAsync();
        using var browser = server.Browser();

        var response = await browser.GetAsync(path[..^3] + (path[^3] == 'x' ? "y" : "x") + path[^2..]);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("data-page=\"not-found\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InvalidPortalSettings_FailsNamingEverySetting()
    {
        using var misconfigured = new PortalServer(new Dictionary<string, string>
        {
            ["SecureSend:Portal:LockoutDuration"] = "soon",
            ["SecureSend:Portal:MaxFailedAttempts"] = "0",
        });

        var error = Assert.ThrowsAny<Exception>(() => misconfigured.CreateClient());

        Assert.Contains("SecureSend:Portal:LockoutDuration", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("SecureSend:Portal:MaxFailedAttempts", error.ToString(), StringComparison.Ordinal);
    }

    private List<string> Results(string messageId) =>
        server.Audit.Entries.Where(e => e.MessageId == messageId && e.Action == AuditActions.PortalAccess).Select(e => e.Result).ToList();
}
