using System.ComponentModel.DataAnnotations;

namespace Automation.Server.Hosting;

/// <summary>The server's settings, bound from the <c>Automation</c> configuration section.</summary>
public sealed class AutomationServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Automation";

    /// <summary>The store.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>The data folder (SQLite file, keys); relative to the content root. Default <c>data</c>.</summary>
    [Required]
    public string DataPath { get; set; } = "data";

    /// <summary>The plugins folder scanned at start. Default <c>plugins</c>.</summary>
    public string PluginsPath { get; set; } = "plugins";

    /// <summary>A folder of definitions imported and published at start when missing from the store.</summary>
    public string? WorkflowsPath { get; set; }
}

/// <summary>Store settings.</summary>
public sealed class StoreOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Automation:Store:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>The connection string; for SQLite it defaults to <c>automation.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }
}
