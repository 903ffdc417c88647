using Insights.Capture.Schema;
using MySqlConnector;

namespace Insights.Capture;

/// <summary>
/// Checks, before reading anything, that the server writes the binlog the capture needs and that the
/// capture user may read it; every problem is named with the setting or privilege to change.
/// </summary>
public static class StartupChecks
{
    public static async Task<IReadOnlyList<string>> FindProblemsAsync(MySqlConnection connection, CancellationToken ct)
    {
        var problems = new List<string>();
        await using (var command = new MySqlCommand(
            "SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image, @@global.binlog_row_metadata", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            if (Convert.ToInt64(reader.GetValue(0)) != 1) problems.Add("log_bin is OFF: enable the binary log (log_bin)");
            Expect(problems, "binlog_format", reader.GetString(1), "ROW");
            Expect(problems, "binlog_row_image", reader.GetString(2), "FULL");
            Expect(problems, "binlog_row_metadata", reader.GetString(3), "FULL");
        }
        var grants = new List<string>();
        await using (var command = new MySqlCommand("SHOW GRANTS FOR CURRENT_USER()", connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) grants.Add(reader.GetString(0).ToUpperInvariant());
        var global = grants.Where(g => g.Contains(" ON *.* ", StringComparison.Ordinal)).ToList();
        bool Has(string privilege) => global.Any(g => g.Contains("ALL PRIVILEGES", StringComparison.Ordinal) || g.Contains(privilege, StringComparison.Ordinal));
        if (!Has("REPLICATION SLAVE")) problems.Add("the capture user lacks the REPLICATION SLAVE privilege (GRANT REPLICATION SLAVE ON *.*)");
        if (!Has("BINLOG MONITOR") && !Has("SUPER")) problems.Add("the capture user lacks the BINLOG MONITOR privilege (GRANT BINLOG MONITOR ON *.*)");
        if (!Has("SELECT") && !grants.Any(g => g.StartsWith("GRANT SELECT", StringComparison.Ordinal) || g.Contains(", SELECT", StringComparison.Ordinal)))
            problems.Add("the capture user lacks SELECT on the captured tables (needed for the snapshot)");
        return problems;
    }

    public static async Task EnsureAsync(MySqlConnection connection, CancellationToken ct)
    {
        var problems = await FindProblemsAsync(connection, ct);
        if (problems.Count > 0)
            throw new CaptureException("MariaDB is not ready for CDC: " + string.Join("; ", problems));
    }

    /// <summary>
    /// Every table <see cref="MessageKeyColumns"/> names must be captured and have the named columns, read from
    /// the schema the snapshot reads too; otherwise start-up fails naming the setting and the bad part.
    /// </summary>
    public static async Task EnsureMessageKeyColumnsAsync(MySqlConnection connection, CaptureOptions options, CancellationToken ct)
    {
        foreach (var entry in options.MessageKeyColumns.Entries)
        {
            if (!options.Captures(entry.Database, entry.Table))
                throw new CaptureException($"{MessageKeyColumns.Setting}: table {entry.Database}.{entry.Table} is not captured " +
                    $"(captured: {string.Join(", ", options.Tables.Select(t => $"{options.Database}.{t}"))})");
            var table = await InformationSchemaCatalog.ReadAsync(connection, entry.Database, entry.Table, ct);
            if (options.MessageKeyColumns.MissingColumns(table) is { Count: > 0 } missing)
                throw new CaptureException($"{MessageKeyColumns.Setting}: table {entry.Database}.{entry.Table} has no column {string.Join(", ", missing)} " +
                    $"(columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
        }
    }

    private static void Expect(List<string> problems, string setting, string actual, string expected)
    {
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{setting} is {actual}, the capture needs {expected} (SET GLOBAL {setting}={expected} and in my.cnf)");
    }
}
