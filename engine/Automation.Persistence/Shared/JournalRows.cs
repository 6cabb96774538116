using System.Data.Common;
using Automation.Engine.Execution;

namespace Automation.Persistence.Shared;

/// <summary>
/// How both stores keep an instance's journal. An activity that started and completed within one commit (most do) is
/// one row, event <c>Ran</c> with the completion time in <c>completed_at</c>, instead of a Started row and a Completed
/// row; reading expands it back into the two entries, so the journal callers see is unchanged. This halves the rows
/// written for most activities (about ten a message in the campaign benchmark before).
/// </summary>
internal static class JournalRows
{
    /// <summary>The stored event of a Started entry followed at once by its Completed entry.</summary>
    public const string Ran = "Ran";

    /// <summary>The rows to store for a commit's journal, in sequence order.</summary>
    public static List<JournalRow> Compact(IReadOnlyList<JournalEntry> journal)
    {
        var rows = new List<JournalRow>(journal.Count);
        for (var i = 0; i < journal.Count; i++)
        {
            var entry = journal[i];
            if (i + 1 < journal.Count && IsCompletionOf(journal[i + 1], entry))
            {
                var completed = journal[i + 1];
                rows.Add(new JournalRow(entry.Sequence, entry.Timestamp, entry.ActivityId, entry.ActivityNodeId, entry.ActivityType, Ran, completed.Outcomes, null, completed.Timestamp));
                i++;
                continue;
            }

            rows.Add(new JournalRow(entry.Sequence, entry.Timestamp, entry.ActivityId, entry.ActivityNodeId, entry.ActivityType, StoreValues.Name(entry.Event), entry.Outcomes, entry.Message, null));
        }

        return rows;
    }

    /// <summary>
    /// A derived table for joining <c>journal</c> on <c>event</c>: each stored row once per entry it stands for, with
    /// <c>completion</c> 1 for a Completed entry (a Ran row is both a Started and a Completed entry).
    /// </summary>
    public const string EntryHalves =
        "(SELECT 'Started' AS event, 0 AS completion UNION ALL SELECT 'Completed', 1 UNION ALL SELECT '" + Ran + "', 0 UNION ALL SELECT '" + Ran + "', 1)";

    /// <summary>
    /// The sequence range (after, through] holding the entries <paramref name="skip"/> .. <paramref name="skip"/> +
    /// <paramref name="take"/>: entries are numbered from 1 without gaps. Select rows with sequence from <c>after</c> on,
    /// since the row at <c>after</c> may be a Ran row whose Completed half is the page's first entry.
    /// </summary>
    public static (long After, long Through) SequenceRange(int skip, int take)
    {
        var after = (long)Math.Max(0, skip);
        return (after, after + Math.Max(0, take));
    }

    /// <summary>The columns <see cref="Read"/> expects, in its order.</summary>
    public const string Columns = "sequence, timestamp, activity_id, activity_node_id, activity_type, event, outcomes, message, completed_at";

    /// <summary>Reads a row selected as <see cref="Columns"/>; <paramref name="instant"/> reads the store's time column.</summary>
    public static JournalRow Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> instant) => new(
        reader.GetInt64(0),
        instant(reader, 1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : instant(reader, 8));

    /// <summary>Adds a stored row's entries to <paramref name="entries"/>, keeping those with a sequence in
    /// (<paramref name="afterSequence"/>, <paramref name="throughSequence"/>].</summary>
    public static void Expand(JournalRow row, long afterSequence, long throughSequence, List<JournalEntry> entries)
    {
        if (row.Event == Ran)
        {
            Keep(new JournalEntry(row.Sequence, row.Timestamp, row.ActivityId, row.ActivityNodeId, row.ActivityType, JournalEvent.Started));
            Keep(new JournalEntry(row.Sequence + 1, row.CompletedAt ?? row.Timestamp, row.ActivityId, row.ActivityNodeId, row.ActivityType, JournalEvent.Completed, row.Outcomes));
            return;
        }

        Keep(new JournalEntry(row.Sequence, row.Timestamp, row.ActivityId, row.ActivityNodeId, row.ActivityType, StoreValues.ParseEvent(row.Event), row.Outcomes, row.Message));

        void Keep(JournalEntry entry)
        {
            if (entry.Sequence > afterSequence && entry.Sequence <= throughSequence)
            {
                entries.Add(entry);
            }
        }
    }

    // The engine records Started, runs the activity, then records how it ended with the next sequence number.
    private static bool IsCompletionOf(JournalEntry next, JournalEntry started) =>
        started.Event == JournalEvent.Started && started.Outcomes is null && started.Message is null
        && next.Event == JournalEvent.Completed && next.Message is null
        && next.Sequence == started.Sequence + 1
        && next.ActivityNodeId == started.ActivityNodeId && next.ActivityId == started.ActivityId && next.ActivityType == started.ActivityType;
}

/// <summary>One stored journal row (see <see cref="JournalRows"/>).</summary>
internal readonly record struct JournalRow(
    long Sequence,
    DateTimeOffset Timestamp,
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    string Event,
    string? Outcomes,
    string? Message,
    DateTimeOffset? CompletedAt);
