using System.Data.Common;
using System.Xml.Linq;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;

namespace Automation.Server.Security;

/// <summary>The key ring's XML elements in the table <c>data_protection_keys</c> of the server's store (SQLite or
/// PostgreSQL). Data protection calls it synchronously, rarely: at start, and when a key is made (every 90 days).</summary>
internal sealed class DatabaseXmlRepository(ServerDatabase database) : IXmlRepository
{
    private const string Schema = "CREATE TABLE IF NOT EXISTS data_protection_keys (name TEXT PRIMARY KEY, xml TEXT NOT NULL)";
    private int migrated;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var elements = new List<XElement>();
        Execute("SELECT xml FROM data_protection_keys ORDER BY name", command =>
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }
        });
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        Execute("INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO UPDATE SET xml = excluded.xml", command =>
        {
            Parameter(command, "name", friendlyName);
            Parameter(command, "xml", element.ToString(SaveOptions.DisableFormatting));
            command.ExecuteNonQuery();
        });
    }

    private void Execute(string sql, Action<DbCommand> use)
    {
        using var connection = Open();
        // Two callers may both create the table (IF NOT EXISTS); a failed create is tried again on the next call.
        if (Volatile.Read(ref migrated) == 0)
        {
            using var create = connection.CreateCommand();
            create.CommandText = Schema;
            create.ExecuteNonQuery();
            Volatile.Write(ref migrated, 1);
        }

        using var command = connection.CreateCommand();
        command.CommandText = sql;
        use(command);
    }

    private DbConnection Open()
    {
        if (database.Pool is { } pool)
        {
            return pool.OpenConnection();
        }

        var connection = new SqliteConnection(database.ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Parameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
