using Insights.Capture.Position;
using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Contracts.Debezium;
using MySqlConnector;

namespace Insights.Capture.Snapshot;

/// <summary>
/// The initial snapshot without table locks: one REPEATABLE READ transaction opened WITH CONSISTENT
/// SNAPSHOT, whose binlog coordinates (binlog_snapshot_file/position) and their GTID position
/// (BINLOG_GTID_POS) say exactly where streaming must continue. Every row is emitted with op "r".
/// </summary>
public sealed class ConsistentSnapshot(CaptureOptions options, ChangeEventFactory events, IChangeEventSink sink)
{
    public async Task<(CaptureCheckpoint Position, long Rows)> RunAsync(CancellationToken ct)
    {
        await using var connection = new MySqlConnection(ReadAsStored(options.ConnectionString));
        await connection.OpenAsync(ct);
        await Execute(connection, "SET time_zone = '+00:00'", ct);
        await Execute(connection, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", ct);
        await Execute(connection, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", ct);

        string file = "";
        long position = 0;
        await using (var status = new MySqlCommand("SHOW STATUS LIKE 'binlog_snapshot_%'", connection))
        await using (var reader = await status.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetString(0) == "Binlog_snapshot_file") file = reader.GetString(1);
                if (reader.GetString(0) == "Binlog_snapshot_position") position = long.Parse(reader.GetString(1));
            }
        if (file.Length == 0) throw new CaptureException("the server reports no binlog_snapshot_file: is log_bin on?");
        string gtid;
        await using (var command = new MySqlCommand("SELECT BINLOG_GTID_POS(@file, @pos)", connection))
        {
            command.Parameters.AddWithValue("@file", file);
            command.Parameters.AddWithValue("@pos", position);
            gtid = await command.ExecuteScalarAsync(ct) as string ?? "";
        }

        var tables = new List<(TableDefinition Table, long Count)>();
        foreach (var name in options.Tables)
        {
            var table = await InformationSchemaCatalog.ReadAsync(connection, options.Database, name, ct);
            await using var count = new MySqlCommand($"SELECT COUNT(*) FROM {Quote(options.Database)}.{Quote(name)}", connection);
            tables.Add((table, Convert.ToInt64(await count.ExecuteScalarAsync(ct))));
        }

        var startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var total = tables.Sum(t => t.Count);
        long emitted = 0;
        Exception? failure = null;
        var batch = new List<CapturedEvent>(1);
        foreach (var (table, count) in tables)
        {
            var keyOrder = string.Join(", ", table.KeyIndexes.Select(i => Quote(table.Columns[i].Name)));
            var columns = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
            var sql = $"SELECT {columns} FROM {Quote(options.Database)}.{Quote(table.Table)}" + (keyOrder.Length > 0 ? $" ORDER BY {keyOrder}" : "");
            await using var select = new MySqlCommand(sql, connection);
            await using var reader = await select.ExecuteReaderAsync(ct);
            long inTable = 0;
            while (await reader.ReadAsync(ct))
            {
                var values = new object?[table.Columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    try { values[i] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i)); }
                    catch (OverflowException e)
                    {
                        throw new CaptureException($"{table.Database}.{table.Table}.{table.Columns[i].Name}: a value does not fit the capture's types: {e.Message}", e);
                    }
                }
                inTable++;
                emitted++;
                var source = new SourceInfo
                {
                    Version = ChangeEventFactory.DebeziumVersion, Connector = ChangeEventFactory.Connector, Name = options.TopicPrefix,
                    TsMs = startedMs, TsUs = startedMs * 1000, TsNs = startedMs * 1_000_000,
                    Snapshot = Marker(emitted, total, inTable, count), Db = options.Database, Table = table.Table,
                    ServerId = 0, Gtid = null, File = file, Pos = position, Row = 0,
                };
                batch.Clear();
                events.Add(batch, table, ChangeOperation.Read, null, values, source);
                foreach (var change in batch) sink.Send(change, error => { if (error is not null) failure ??= error; });
                if (failure is not null) break;
            }
        }
        await Execute(connection, "COMMIT", ct);
        await sink.FlushAsync(ct);
        if (failure is not null) throw new CaptureException($"Kafka did not accept a snapshot event: {failure.Message}", failure);
        return (new CaptureCheckpoint(gtid, file, position, DateTimeOffset.UtcNow), emitted);
    }

    /// <summary>
    /// The driver settings that read every stored value as the binlog carries it: dates the calendar lacks (zero and
    /// partial-zero dates) as MySqlDateTime instead of an exception, CHAR(36) as text rather than a Guid, TINYINT(1)
    /// as a number rather than a bool.
    /// </summary>
    private static string ReadAsStored(string connectionString) => new MySqlConnectionStringBuilder(connectionString)
    {
        AllowZeroDateTime = true, GuidFormat = MySqlGuidFormat.None, TreatTinyAsBoolean = false,
    }.ConnectionString;

    private static object Normalize(object value)
    {
        if (value is MySqlGeometry geometry) return geometry.Value;
        if (value is not MySqlDateTime date) return value;
        if (!date.IsValidDateTime) return UnrepresentableDate.Value;
        try { return date.GetDateTime(); }
        catch (ArgumentOutOfRangeException) { return UnrepresentableDate.Value; } // a day the month lacks (ALLOW_INVALID_DATES)
    }

    // Debezium marks the first and last record of the whole snapshot and of each table.
    private static string Marker(long emitted, long total, long inTable, long tableCount) =>
        emitted == 1 ? "first"
        : emitted == total ? "last"
        : inTable == 1 ? "first_in_data_collection"
        : inTable == tableCount ? "last_in_data_collection"
        : "true";

    private static string Quote(string identifier) => "`" + identifier.Replace("`", "``") + "`";

    private static async Task Execute(MySqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
