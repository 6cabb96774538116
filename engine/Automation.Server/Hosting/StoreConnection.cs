namespace Automation.Server.Hosting;

/// <summary>The store's connection string: configured, or the embedded SQLite file in the data folder.</summary>
internal static class StoreConnection
{
    public static string Resolve(AutomationServerOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Store.ConnectionString))
        {
            return options.Store.ConnectionString;
        }

        if (options.Store.Provider != "sqlite")
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                AutomationServerOptions.Section, typeof(AutomationServerOptions), ["Automation:Store:ConnectionString is required for PostgreSQL."]);
        }

        var data = Path.GetFullPath(options.DataPath, environment.ContentRootPath);
        Directory.CreateDirectory(data);
        return "Data Source=" + Path.Combine(data, "automation.db");
    }
}
