namespace Automation.Journeys.Tests;

/// <summary>The store one journey case runs on: its server settings, kept across a restart, and dropped afterwards.</summary>
internal abstract class JourneyStore
{
    protected string Data { get; } = Directory.CreateTempSubdirectory("automation-journeys-").FullName;

    /// <summary>The store settings (<c>Automation:DataPath</c>, <c>Automation:Store:*</c>) of the dialect under test.</summary>
    public abstract Task<IReadOnlyDictionary<string, string>> SettingsAsync();

    /// <summary>Releases the store and the data folder.</summary>
    public virtual Task DropAsync()
    {
        try
        {
            Directory.Delete(Data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The embedded SQLite store in the case's data folder.</summary>
internal sealed class SqliteJourneyStore : JourneyStore
{
    public override Task<IReadOnlyDictionary<string, string>> SettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["Automation:DataPath"] = Data,
            ["Automation:PluginsPath"] = Path.Combine(Data, "plugins"),
        });

    public override Task DropAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return base.DropAsync();
    }
}

/// <summary>A PostgreSQL schema of the case's own (<see cref="PostgresSchema"/>); keys and plugins in its data folder;
/// <paramref name="tune"/> may change the server's connection string (pool size, application name).</summary>
internal sealed class PostgresJourneyStore(Action<Npgsql.NpgsqlConnectionStringBuilder>? tune = null) : JourneyStore
{
    private readonly PostgresSchema schema = new();
    private bool created;

    public override async Task<IReadOnlyDictionary<string, string>> SettingsAsync()
    {
        if (!created)
        {
            await schema.InitializeAsync();
            created = true;
        }

        return new Dictionary<string, string>
        {
            ["Automation:DataPath"] = Data,
            ["Automation:PluginsPath"] = Path.Combine(Data, "plugins"),
            ["Automation:Store:Provider"] = "postgres",
            ["Automation:Store:ConnectionString"] = ConnectionString(),
        };
    }

    private string ConnectionString()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(schema.ConnectionString);
        tune?.Invoke(builder);
        return builder.ConnectionString;
    }

    public override async Task DropAsync()
    {
        if (created)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await schema.DisposeAsync();
        }

        await base.DropAsync();
    }
}
