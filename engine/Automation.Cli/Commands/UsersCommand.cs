using System.CommandLine;
using Automation.Persistence;
using Automation.Persistence.Identity;

namespace Automation.Cli.Commands;

/// <summary><c>automation users add --role ROLE --email EMAIL</c> (password read from standard input) and
/// <c>automation users list</c>, against the same database the server uses.</summary>
internal static class UsersCommand
{
    public static Command Create(TextReader input, TextWriter output, TextWriter error)
    {
        var role = new Option<string>("--role") { Description = "admin, designer, operator or auditor.", Required = true };
        var email = new Option<string>("--email") { Description = "The sign-in e-mail.", Required = true };
        var (db, connection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var add = new Command("add", "Adds a user; the password is read from standard input (never a default).") { role, email, db, connection };
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            var password = (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.TrimEnd('\r') ?? "";
            var store = await OpenAsync(parseResult, db, connection, cancellationToken).ConfigureAwait(false);
            try
            {
                var user = await new AccountService(store, TimeProvider.System)
                    .CreateUserAsync(parseResult.GetValue(email)!, parseResult.GetValue(role)!, password, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"user {user.Id} {user.Email} ({user.Role}) added").ConfigureAwait(false);
                return CliApplication.Ok;
            }
            catch (AccountException exception)
            {
                await error.WriteLineAsync($"{exception.Field}: {exception.Message}").ConfigureAwait(false);
                return CliApplication.Invalid;
            }
        });

        var list = new Command("list", "Lists users.") { db, connection };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = await OpenAsync(parseResult, db, connection, cancellationToken).ConfigureAwait(false);
            foreach (var user in await store.ListUsersAsync(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync($"{user.Email}\t{user.Role}\t{user.CreatedAt:O}").ConfigureAwait(false);
            }

            return CliApplication.Ok;
        });

        return new Command("users", "Manages the people who sign in to the designer.") { add, list };
    }

    private static async Task<IIdentityStore> OpenAsync(ParseResult parseResult, Option<string> db, Option<string?> connection, CancellationToken cancellationToken)
    {
        var provider = parseResult.GetValue(db)!;
        var store = WorkflowStoreFactory.CreateIdentityStore(provider, parseResult.GetValue(connection) ?? StoreOptions.DefaultConnection(provider));
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }
}
