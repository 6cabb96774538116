using Automation.Persistence;
using Automation.Persistence.Identity;

namespace Automation.Cli.Tests;

public sealed class UsersCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("automation-users-").FullName;

    private string Connection => "Data Source=" + Path.Combine(folder, "users.db");

    private async Task<(int Exit, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliApplication.RunAsync(args, output, error, new StringReader(stdin));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Add_AdminWithPasswordFromStdin_CanSignInWithIt()
    {
        var (exit, output, _) = await RunAsync("a long admin password\n", "users", "add", "--role", "admin", "--email", "Ops.Lead@Hospital.test", "--connection", Connection);

        Assert.Equal(0, exit);
        Assert.Contains("ops.lead@hospital.test (admin) added", output, StringComparison.Ordinal);
        var store = WorkflowStoreFactory.CreateIdentityStore("sqlite", Connection);
        var accounts = new AccountService(store, TimeProvider.System);
        Assert.NotNull(await accounts.VerifyPasswordAsync("ops.lead@hospital.test", "a long admin password"));
        Assert.Null(await accounts.VerifyPasswordAsync("ops.lead@hospital.test", "another password!"));
        var listed = await RunAsync("", "users", "list", "--connection", Connection);
        Assert.StartsWith("ops.lead@hospital.test\tadmin\t", listed.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "admin", "password: The password must have at least 12 characters.")]
    [InlineData("a long enough password", "root", "role: The role must be one of")]
    public async Task Add_WithoutGoodPasswordOrRole_Exits2AndAddsNobody(string stdin, string role, string message)
    {
        var (exit, _, error) = await RunAsync(stdin, "users", "add", "--role", role, "--email", "x@hospital.test", "--connection", Connection);

        Assert.Equal(2, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        var store = WorkflowStoreFactory.CreateIdentityStore("sqlite", Connection);
        await store.MigrateAsync();
        Assert.Empty(await store.ListUsersAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
