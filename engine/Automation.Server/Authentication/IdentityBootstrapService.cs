using Automation.Persistence.Identity;
using Microsoft.Extensions.Options;

namespace Automation.Server.Authentication;

/// <summary>Creates the identity tables and, when there is no user yet, the configured first administrator.</summary>
internal sealed partial class IdentityBootstrapService(
    IIdentityStore store,
    AccountService accounts,
    IOptions<AuthOptions> options,
    ILogger<IdentityBootstrapService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if ((await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return;
        }

        var admin = options.Value.InitialAdmin;
        if (string.IsNullOrWhiteSpace(admin.Email) || string.IsNullOrEmpty(admin.Password))
        {
            LogNoUsers();
            return;
        }

        var user = await accounts.CreateUserAsync(admin.Email, Roles.Admin, admin.Password, cancellationToken).ConfigureAwait(false);
        LogAdminCreated(user.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "No users yet: create the first admin with `automation users add --role admin --email <email>` or Automation:Auth:InitialAdmin")]
    private partial void LogNoUsers();

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Created the initial admin {UserId} from configuration")]
    private partial void LogAdminCreated(string userId);
}
