using System.CommandLine;

namespace Automation.Cli.Commands;

/// <summary>The <c>--db</c> and <c>--connection</c> options every command that opens the database shares.</summary>
internal static class StoreOptions
{
    public static Option<string> Provider()
    {
        var db = new Option<string>("--db") { Description = "The store: sqlite (default) or postgres.", DefaultValueFactory = _ => "sqlite" };
        db.AcceptOnlyFromAmong("sqlite", "postgres");
        return db;
    }

    public static Option<string?> Connection() =>
        new("--connection") { Description = "The store's connection string; SQLite defaults to a file in the user's data folder." };

    public static string DefaultConnection(string provider)
    {
        if (provider == "postgres")
        {
            return Environment.GetEnvironmentVariable("AUTOMATION_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=automation;Password=automation;Database=automation";
        }

        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "automation");
        Directory.CreateDirectory(folder);
        return "Data Source=" + Path.Combine(folder, "automation.db");
    }
}
