using System.Data.Common;

namespace Automation.Activities.SecureSend.Portal;

/// <summary>
/// The store's SQL, shared by both dialects: SQLite 3.35+ and PostgreSQL both speak <c>ON CONFLICT</c>, <c>RETURNING</c>,
/// <c>LIMIT</c> and <c>@name</c> parameters, so only connection set-up and the DDL differ. Times are Unix milliseconds.
/// </summary>
internal abstract class PortalSqlStore : IPortalStore
{
    private const string Columns = "message_id, patient_id, instance_id, key_id, recipient, subject, html_body, text_body, created_at, expires_at, " +
        "retracted_at, failed_attempts, locked_until, code_hash, code_expires_at, read_at";

    private readonly Lock schemaGate = new();
    private Task? schemaReady;

    public async Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<PortalRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return [];
        }

        var rows = string.Join(", ", Enumerable.Range(0, records.Count).Select(i =>
            $"(@id{i}, @patient{i}, @instance{i}, @key{i}, @recipient{i}, @subject{i}, @html{i}, @text{i}, @created{i}, @expires{i}, " +
            $"@retracted{i}, @failed{i}, @locked{i}, @code{i}, @code_expires{i}, @read{i})"));
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO portal_messages ({Columns}) VALUES {rows} ON CONFLICT (message_id) DO NOTHING RETURNING message_id";
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"records[{i}] is null.", nameof(records));
            var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Add(command, "@id" + n, record.MessageId);
            Add(command, "@patient" + n, record.PatientId);
            Add(command, "@instance" + n, record.InstanceId);
            AddCiphertext(command, record, n);
            AddTime(command, "@created" + n, record.CreatedAt);
            AddTime(command, "@expires" + n, record.ExpiresAt);
            AddTime(command, "@retracted" + n, record.RetractedAt);
            Add(command, "@failed" + n, record.FailedAttempts);
            AddTime(command, "@locked" + n, record.LockedUntil);
            Add(command, "@code" + n, record.CodeHash);
            AddTime(command, "@code_expires" + n, record.CodeExpiresAt);
            AddTime(command, "@read" + n, record.ReadAt);
        }

        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                inserted.Add(reader.GetString(0));
            }
        }

        // An id given twice in one batch is inserted once: its first occurrence reports it.
        return [.. records.Select(record => inserted.Remove(record.MessageId))];
    }

    public async Task<PortalRecord?> FindAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var found = await QueryAsync($"SELECT {Columns} FROM portal_messages WHERE message_id = @id", command => Add(command, "@id", messageId), cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<PortalFailure> RecordFailureAsync(string messageId, DateTimeOffset now, int maxAttempts, DateTimeOffset lockUntil, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);

        // Every right-hand side reads the row as it was, so "count" below is the count before this answer, restarted
        // from zero when a lockout has run out. One statement keeps concurrent answers from both slipping under the limit.
        const string Count = "(CASE WHEN locked_until IS NOT NULL AND locked_until <= @now THEN 0 ELSE failed_attempts END)";
        const string Sql = $"""
            UPDATE portal_messages SET
                failed_attempts = {Count} + 1,
                locked_until = CASE WHEN {Count} + 1 >= @max THEN @lock WHEN locked_until <= @now THEN NULL ELSE locked_until END,
                code_hash = CASE WHEN {Count} + 1 >= @max THEN NULL ELSE code_hash END,
                code_expires_at = CASE WHEN {Count} + 1 >= @max THEN NULL ELSE code_expires_at END
            WHERE message_id = @id
            RETURNING failed_attempts, locked_until
            """;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        Add(command, "@id", messageId);
        AddTime(command, "@now", now);
        Add(command, "@max", maxAttempts);
        AddTime(command, "@lock", lockUntil);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Portal message '{messageId}' does not exist.");
        }

        return new PortalFailure(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), ReadTime(reader, 1));
    }

    public Task SetCodeAsync(string messageId, string codeHash, DateTimeOffset codeExpiresAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE portal_messages SET code_hash = @code, code_expires_at = @expires WHERE message_id = @id", command =>
        {
            Add(command, "@id", messageId);
            Add(command, "@code", codeHash);
            AddTime(command, "@expires", codeExpiresAt);
        }, cancellationToken);

    public async Task<bool> ConsumeCodeAsync(string messageId, string codeHash, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE portal_messages SET code_hash = NULL, code_expires_at = NULL, read_at = COALESCE(read_at, @now) WHERE message_id = @id AND code_hash = @code",
            command =>
            {
                Add(command, "@id", messageId);
                Add(command, "@code", codeHash);
                AddTime(command, "@now", now);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> RetractAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE portal_messages SET retracted_at = @now, code_hash = NULL, code_expires_at = NULL WHERE message_id = @id AND retracted_at IS NULL", command =>
        {
            Add(command, "@id", messageId);
            AddTime(command, "@now", now);
        }, cancellationToken).ConfigureAwait(false) == 1;

    public async Task<bool> ReplaceCiphertextAsync(PortalRecord rewrapped, string expectedKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rewrapped);
        return await ExecuteAsync(
            "UPDATE portal_messages SET key_id = @key, recipient = @recipient, subject = @subject, html_body = @html, text_body = @text " +
            "WHERE message_id = @id AND key_id = @expected",
            command =>
            {
                Add(command, "@id", rewrapped.MessageId);
                Add(command, "@expected", expectedKeyId);
                AddCiphertext(command, rewrapped);
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public Task<IReadOnlyList<PortalRecord>> FindNotUnderKeyAsync(string activeKeyId, string afterMessageId, int take, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM portal_messages WHERE key_id <> @key AND message_id > @after ORDER BY message_id LIMIT @take", command =>
        {
            Add(command, "@key", activeKeyId);
            Add(command, "@after", afterMessageId);
            Add(command, "@take", take);
        }, cancellationToken);

    /// <summary>Opens a connection (dialect settings applied).</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Creates the table and indexes if missing (called once per store instance).</summary>
    protected abstract Task CreateSchemaAsync(CancellationToken cancellationToken);

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task EnsureSchemaAsync()
    {
        var ready = Volatile.Read(ref schemaReady);
        if (ready is { IsCompletedSuccessfully: true })
        {
            return ready;
        }

        lock (schemaGate)
        {
            // A failed attempt (database not up yet) is retried by the next caller instead of being cached forever.
            if (schemaReady is null || schemaReady.IsFaulted || schemaReady.IsCanceled)
            {
                schemaReady = CreateSchemaAsync(CancellationToken.None);
            }

            return schemaReady;
        }
    }

    private async Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<PortalRecord>> QueryAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<PortalRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new PortalRecord
            {
                MessageId = reader.GetString(0),
                PatientId = reader.GetString(1),
                InstanceId = reader.GetString(2),
                KeyId = reader.GetString(3),
                Recipient = reader.GetFieldValue<byte[]>(4),
                Subject = reader.GetFieldValue<byte[]>(5),
                HtmlBody = reader.GetFieldValue<byte[]>(6),
                TextBody = reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7),
                CreatedAt = ReadTime(reader, 8)!.Value,
                ExpiresAt = ReadTime(reader, 9)!.Value,
                RetractedAt = ReadTime(reader, 10),
                FailedAttempts = Convert.ToInt32(reader.GetValue(11), System.Globalization.CultureInfo.InvariantCulture),
                LockedUntil = ReadTime(reader, 12),
                CodeHash = reader.IsDBNull(13) ? null : reader.GetString(13),
                CodeExpiresAt = ReadTime(reader, 14),
                ReadAt = ReadTime(reader, 15),
            });
        }

        return records;
    }

    private static void AddCiphertext(DbCommand command, PortalRecord record, string suffix = "")
    {
        Add(command, "@key" + suffix, record.KeyId);
        Add(command, "@recipient" + suffix, record.Recipient);
        Add(command, "@subject" + suffix, record.Subject);
        Add(command, "@html" + suffix, record.HtmlBody);
        Add(command, "@text" + suffix, record.TextBody);
    }

    private static DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static void AddTime(DbCommand command, string name, DateTimeOffset? value) => Add(command, name, value?.ToUnixTimeMilliseconds());

    private static void Add<T>(DbCommand command, string name, T? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
