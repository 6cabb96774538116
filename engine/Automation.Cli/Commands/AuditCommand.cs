using System.CommandLine;
using System.Globalization;
using Automation.Persistence;
using Automation.Persistence.Audit;

namespace Automation.Cli.Commands;

/// <summary><c>automation audit verify|export|purge|hold</c>: checks, exports and maintains the hash-chained audit
/// log in the same database the server uses.</summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        return new Command("audit", "Verifies, exports and maintains the tamper-evident audit log.")
        {
            Verify(output, error),
            Export(output, error),
            Purge(output, error),
            Holds(output, error),
        };
    }

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var (db, connection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var verify = new Command("verify", "Checks the hash chain: exits 0 when intact, 1 printing the first bad sequence number.") { db, connection };
        verify.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var log = await OpenAsync(parseResult, db, connection, cancellationToken).ConfigureAwait(false);
            var result = await log.VerifyAsync(cancellationToken).ConfigureAwait(false);
            if (result.FirstBadSequence is { } bad)
            {
                await output.WriteLineAsync($"first bad sequence: {bad}").ConfigureAwait(false);
                await error.WriteLineAsync(result.Reason).ConfigureAwait(false);
                return CliApplication.Failed;
            }

            await output.WriteLineAsync($"ok: {result.RecordsChecked} records").ConfigureAwait(false);
            return CliApplication.Ok;
        });
        return verify;
    }

    private static Command Export(TextWriter output, TextWriter error)
    {
        var (db, connection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var from = new Option<string>("--from") { Description = "The earliest record time, ISO-8601 (inclusive).", Required = true };
        var to = new Option<string>("--to") { Description = "The latest record time, ISO-8601 (exclusive).", Required = true };
        var file = new Option<FileInfo?>("--out") { Description = "Write JSON lines to this file instead of standard output." };
        var export = new Command("export", "Writes the records in a time range as JSON lines, one record per line.") { from, to, file, db, connection };
        export.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!TryParseTime(parseResult.GetValue(from), "--from", error, out var start) || !TryParseTime(parseResult.GetValue(to), "--to", error, out var end))
            {
                return CliApplication.Invalid;
            }

            if (end <= start)
            {
                await error.WriteLineAsync("--to: must be after --from.").ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            await using var log = await OpenAsync(parseResult, db, connection, cancellationToken).ConfigureAwait(false);
            var target = parseResult.GetValue(file);
            var count = 0L;
            var writer = target is null ? output : new StreamWriter(target.FullName, append: false, new System.Text.UTF8Encoding(false));
            try
            {
                await foreach (var record in log.ExportAsync(start, end, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteLineAsync(AuditRecordJson.ToJsonLine(record)).ConfigureAwait(false);
                    count++;
                }
            }
            finally
            {
                if (target is not null)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (target is not null)
            {
                await output.WriteLineAsync($"exported {count} records to {target.FullName}").ConfigureAwait(false);
            }

            return CliApplication.Ok;
        });
        return export;
    }

    private static Command Purge(TextWriter output, TextWriter error)
    {
        var (db, connection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var before = new Option<string?>("--before") { Description = "Remove records older than this ISO-8601 time; default: six years ago." };
        var purge = new Command("purge", "Removes records past retention that no legal hold covers; the chain stays verifiable.") { before, db, connection };
        purge.SetAction(async (parseResult, cancellationToken) =>
        {
            var cutoff = DateTimeOffset.UtcNow - AuditLog.DefaultRetention;
            if (parseResult.GetValue(before) is { } text && !TryParseTime(text, "--before", error, out cutoff))
            {
                return CliApplication.Invalid;
            }

            await using var log = await OpenAsync(parseResult, db, connection, cancellationToken).ConfigureAwait(false);
            var removed = await log.PurgeAsync(cutoff, Actor(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"purged: {removed} records before {cutoff.UtcDateTime:O}").ConfigureAwait(false);
            return CliApplication.Ok;
        });
        return purge;
    }

    private static Command Holds(TextWriter output, TextWriter error)
    {
        var (db, connection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var id = new Option<string>("--id") { Description = "The hold's id (a case number).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the records are held (no PHI).", Required = true };
        var from = new Option<string?>("--from") { Description = "Hold records from this ISO-8601 time (inclusive)." };
        var to = new Option<string?>("--to") { Description = "Hold records until this ISO-8601 time (exclusive)." };
        var instance = new Option<string?>("--instance") { Description = "Hold the records of this workflow instance." };
        var patientHash = new Option<string?>("--patient-hash") { Description = "Hold the records of this patient (the keyed hash shown in audit records)." };
        var add = new Command("add", "Places a legal hold: covered records are never purged.") { id, reason, from, to, instance, patientHash, db, connection };
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            DateTimeOffset? start = null, end = null;
            if (parseResult.GetValue(from) is { } fromText)
            {
                if (!TryParseTime(fromText, "--from", error, out var value))
                {
                    return CliApplication.Invalid;
                }

                start = value;
            }

            if (parseResult.GetValue(to) is { } toText)
            {
                if (!TryParseTime(toText, "--to", error, out var value))
                {
                    return CliApplication.Invalid;
                }

                end = value;
            }

            var hold = new LegalHold
            {
                Id = parseResult.GetValue(id)!,
                Reason = parseResult.GetValue(reason)!,
                From = start,
                To = end,
                InstanceId = parseResult.GetValue(instance),
                PatientHash = parseResult.GetValue(patientHash),
                CreatedBy = Actor(),
                CreatedAt = DateTimeOffset.UtcNow,
            };
            await using var log = await OpenAsync(parseResult, db, connection, cancellationToken).ConfigureAwait(false);
            try
            {
                if (!await log.AddLegalHoldAsync(hold, cancellationToken).ConfigureAwait(false))
                {
                    await error.WriteLineAsync($"--id: a legal hold '{hold.Id}' exists already.").ConfigureAwait(false);
                    return CliApplication.Invalid;
                }
            }
            catch (ArgumentException exception)
            {
                await error.WriteLineAsync(exception.Message.Split(" (Parameter")[0]).ConfigureAwait(false);
                return CliApplication.Invalid;
            }

            await output.WriteLineAsync($"hold {hold.Id} added").ConfigureAwait(false);
            return CliApplication.Ok;
        });

        var removeId = new Option<string>("--id") { Description = "The hold's id.", Required = true };
        var (removeDb, removeConnection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var remove = new Command("remove", "Lifts a legal hold.") { removeId, removeDb, removeConnection };
        remove.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var log = await OpenAsync(parseResult, removeDb, removeConnection, cancellationToken).ConfigureAwait(false);
            var holdId = parseResult.GetValue(removeId)!;
            if (!await log.RemoveLegalHoldAsync(holdId, Actor(), cancellationToken).ConfigureAwait(false))
            {
                await error.WriteLineAsync($"--id: no legal hold '{holdId}'.").ConfigureAwait(false);
                return CliApplication.Failed;
            }

            await output.WriteLineAsync($"hold {holdId} removed").ConfigureAwait(false);
            return CliApplication.Ok;
        });

        var (listDb, listConnection) = (StoreOptions.Provider(), StoreOptions.Connection());
        var list = new Command("list", "Lists legal holds: id, from, to, instance, patient hash, created by, created at, reason (tab-separated).") { listDb, listConnection };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var log = await OpenAsync(parseResult, listDb, listConnection, cancellationToken).ConfigureAwait(false);
            foreach (var hold in await log.ListLegalHoldsAsync(Actor(), cancellationToken).ConfigureAwait(false))
            {
                await output.WriteLineAsync(string.Join('\t', hold.Id, Time(hold.From), Time(hold.To), hold.InstanceId ?? "-", hold.PatientHash ?? "-", hold.CreatedBy, Time(hold.CreatedAt), hold.Reason)).ConfigureAwait(false);
            }

            return CliApplication.Ok;
        });

        return new Command("hold", "Manages legal holds, which block purging.") { add, remove, list };
    }

    private static string Time(DateTimeOffset? time) => time is { } value ? Engine.Audit.AuditChain.FormatTime(value) : "-";

    // Operators are identified by their OS account; the audit records who ran the command.
    private static string Actor() => "cli:" + Environment.UserName;

    private static bool TryParseTime(string? text, string option, TextWriter error, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        error.WriteLine($"{option}: '{text}' is not an ISO-8601 time (for example 2026-01-31 or 2026-01-31T08:00:00Z).");
        return false;
    }

    private static async Task<AuditLog> OpenAsync(ParseResult parseResult, Option<string> db, Option<string?> connection, CancellationToken cancellationToken)
    {
        var provider = parseResult.GetValue(db)!;
        var log = WorkflowStoreFactory.CreateAuditLog(provider, parseResult.GetValue(connection) ?? StoreOptions.DefaultConnection(provider));
        try
        {
            await log.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return log;
        }
        catch
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
