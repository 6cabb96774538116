using System.Data.Common;
using Automation.Engine.Bookmarks;
using Automation.Engine.Definitions;
using Automation.Engine.Persistence;

namespace Automation.Persistence.Shared;

/// <summary>Row readers both stores share; only how an instant is stored differs, so the caller supplies that.</summary>
internal static class StoreReaders
{
    /// <summary>Reads rows of <c>json, is_latest, is_published</c>.</summary>
    public static Task<List<WorkflowDefinition>> DefinitionsAsync(DbCommand command, CancellationToken cancellationToken) =>
        ReadAllAsync(command, reader => StoreValues.ParseDefinition(reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)), cancellationToken);

    /// <summary>Reads rows of <c>id, instance_id, activity_id, activity_node_id, name, hash, correlation_id, payload,
    /// resume_at, created_at</c>.</summary>
    public static Task<List<Bookmark>> BookmarksAsync(DbCommand command, Func<DbDataReader, int, DateTimeOffset> instant, CancellationToken cancellationToken) =>
        ReadAllAsync(command, reader => Bookmark(reader, instant), cancellationToken);

    private static Bookmark Bookmark(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> instant) => new()
    {
        Id = reader.GetString(0),
        InstanceId = reader.GetString(1),
        ActivityId = reader.GetString(2),
        ActivityNodeId = reader.GetString(3),
        Name = reader.GetString(4),
        Hash = reader.GetString(5),
        CorrelationId = reader.IsDBNull(6) ? null : reader.GetString(6),
        Payload = WorkflowStateJson.DeserializeValue(reader.IsDBNull(7) ? null : reader.GetString(7)),
        ResumeAt = reader.IsDBNull(8) ? null : instant(reader, 8),
        CreatedAt = instant(reader, 9),
    };

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(reader));
        }

        return list;
    }
}
