using Automation.Activities.SecureSend.Portal;

namespace Automation.Activities.SecureSend.Tests.Portal;

public sealed class PortalOptionsTests
{
    [Fact]
    public void Validate_EverySettingWrong_ReportsEachByItsKey()
    {
        var options = new PortalOptions
        {
            PublicBaseUrl = null,
            StoreProvider = "oracle",
            StoreConnectionString = "",
            MaxFailedAttempts = 0,
            LockoutDuration = TimeSpan.Zero,
            CodeLifetime = TimeSpan.FromHours(2),
            SessionLifetime = TimeSpan.FromMinutes(-1),
            Smtp = new PortalSmtpOptions { Port = 70000 },
        };

        var problems = options.Validate();

        Assert.Equal(8, problems.Count);
        foreach (var key in new[] { "Automation:PublicBaseUrl", "'oracle'", "connection string", "SecureSend:Portal:MaxFailedAttempts", "SecureSend:Portal:LockoutDuration",
            "SecureSend:Portal:CodeLifetime", "SecureSend:Portal:SessionLifetime", "SecureSend:Smtp:Port" })
        {
            Assert.Contains(problems, p => p.Contains(key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_Defaults_WithBaseUrlAndStore_AreValid()
    {
        var options = new PortalOptions { PublicBaseUrl = new Uri("https://automation.example.org"), StoreConnectionString = "Data Source=x.db" };

        Assert.Empty(options.Validate());
        Assert.Equal(5, options.MaxFailedAttempts);
        Assert.Equal(TimeSpan.FromMinutes(30), options.LockoutDuration);
        Assert.Equal(TimeSpan.FromMinutes(10), options.CodeLifetime);
    }
}
