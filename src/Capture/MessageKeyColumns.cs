using Insights.Capture.Schema;

namespace Insights.Capture;

/// <summary>
/// Debezium's <c>message.key.columns</c> for the built-in capture (setting <see cref="Setting"/>): the columns
/// that key a table's events instead of its primary key, written
/// <c>&lt;database&gt;.&lt;table&gt;:&lt;column&gt;[,&lt;column&gt;...]</c>, entries separated by ';'. The key then holds
/// exactly those columns, in the order given; tables not named keep their primary key. Names are literal (Debezium
/// reads them as regular expressions) and one that matches nothing fails start-up (Debezium would fall back to the
/// primary key), so events are never keyed other than asked.
/// </summary>
public sealed class MessageKeyColumns
{
    public const string Setting = "Capture:MessageKeyColumns";

    /// <summary>
    /// Tickets keyed by member, as <c>connect/cinema-cdc.json</c> does: a member's tickets then share one
    /// partition of the tickets topic and reach the processors in the order they were committed.
    /// </summary>
    public const string Default = "cinema.tickets:member_id";

    /// <summary>Every table keyed by its primary key (the setting is empty).</summary>
    public static MessageKeyColumns None { get; } = new([]);

    /// <summary>One table's key columns, in the order they appear in the key.</summary>
    public sealed record Entry(string Database, string Table, IReadOnlyList<string> Columns)
    {
        public override string ToString() => $"{Database}.{Table}:{string.Join(',', Columns)}";
    }

    public IReadOnlyList<Entry> Entries { get; }

    private MessageKeyColumns(IReadOnlyList<Entry> entries) => Entries = entries;

    /// <summary>Reads Debezium's syntax; an empty text means every table keeps its primary key.</summary>
    /// <exception cref="FormatException">An entry is malformed or names a table or column twice; the message quotes it.</exception>
    public static MessageKeyColumns Parse(string text)
    {
        var entries = new List<Entry>();
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // Debezium's own check: no blanks inside an entry, one ':' between the table and its columns.
            var halves = part.Split(':');
            var databaseAndTable = halves[0].Split('.');
            var columns = halves.Length == 2 ? halves[1].Split(',') : [];
            if (part.Any(char.IsWhiteSpace) || halves.Length != 2 || databaseAndTable.Length != 2 || databaseAndTable.Any(n => n.Length == 0)
                || columns.Any(c => c.Length == 0))
                throw new FormatException($"'{part}' is not <database>.<table>:<column>[,<column>...]");
            if (columns.Distinct(StringComparer.OrdinalIgnoreCase).Count() != columns.Length)
                throw new FormatException($"'{part}' names a column twice");
            var (database, table) = (databaseAndTable[0], databaseAndTable[1]);
            if (entries.Any(e => e.Database == database && e.Table == table))
                throw new FormatException($"'{part}': table {halves[0]} is named twice");
            entries.Add(new Entry(database, table, columns));
        }
        return entries.Count == 0 ? None : new MessageKeyColumns(entries);
    }

    /// <summary>
    /// The indexes in <paramref name="table"/>'s columns of its events' key: the named columns in the order given,
    /// or the primary key. A named column the table no longer has (dropped while streaming) stops the capture.
    /// </summary>
    public IReadOnlyList<int> KeyIndexes(TableDefinition table)
    {
        foreach (var entry in Entries)
        {
            if (entry.Database != table.Database || entry.Table != table.Table) continue;
            var indexes = new int[entry.Columns.Count];
            for (var i = 0; i < indexes.Length; i++)
            {
                indexes[i] = IndexOf(table, entry.Columns[i]);
                if (indexes[i] < 0) throw new CaptureException($"{Setting} keys {table.Database}.{table.Table} by column {entry.Columns[i]}, which the table no longer has");
            }
            return indexes;
        }
        return table.KeyIndexes.ToList();
    }

    /// <summary>The named columns <paramref name="table"/> lacks (none when the setting does not name it).</summary>
    public IReadOnlyList<string> MissingColumns(TableDefinition table) =>
        Entries.Where(e => e.Database == table.Database && e.Table == table.Table)
            .SelectMany(e => e.Columns).Where(c => IndexOf(table, c) < 0).ToList();

    // MariaDB column names are case-insensitive, as Debezium's matching is; the key uses the table's spelling.
    private static int IndexOf(TableDefinition table, string column)
    {
        for (var i = 0; i < table.Columns.Count; i++)
            if (string.Equals(table.Columns[i].Name, column, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    public override string ToString() => string.Join(';', Entries);
}
