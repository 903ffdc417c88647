using System.Buffers.Binary;
using System.Text;
using Insights.Capture.Binlog;
using Insights.Capture.Position;
using Insights.Capture.Protocol;
using Insights.Capture.Schema;
using Insights.Capture.Sinks;
using Insights.Contracts.Debezium;
using MySqlConnector;

namespace Insights.Capture;

/// <summary>
/// Reads the binlog from a GTID position and turns row changes of the captured tables into Debezium events,
/// sent as they are decoded (a transaction of millions of rows is never held whole); the transaction's end
/// position goes to the <see cref="CommitTracker"/> at its commit (XID), so the checkpoint only ever names whole
/// transactions and a restart replays a transaction cut short from its start.
/// </summary>
public sealed class BinlogStreamer(CaptureOptions options, ChangeEventFactory events, IChangeEventSink sink, CommitTracker tracker)
{
    private readonly Dictionary<ulong, TableMapEvent> tables = new();
    private readonly List<CapturedEvent> rowEvents = new(3);
    private CollationCharsets charsets = new(new Dictionary<int, string>());
    private string file = "";
    private (uint Domain, uint Server, ulong Sequence)? gtid;
    private bool standalone;

    /// <summary>The GTID position of the last transaction handed to the sink (not necessarily acknowledged yet).</summary>
    public GtidState Sent { get; private set; } = new();

    public long RowEvents { get; private set; }

    /// <summary>How many times a binlog dump was started (the runner measures its reconnect time from the last one lost).</summary>
    public long Connections { get; private set; }

    /// <summary>Streams until cancelled or the server closes the stream (returns false then, so the caller may reconnect).</summary>
    /// <exception cref="ReadDeadlineExceededException">MariaDB sent nothing for three heartbeat periods.</exception>
    public async Task<bool> StreamAsync(GtidState from, bool checksummed, CancellationToken ct)
    {
        Sent = from.Copy();
        var builder = new MySqlConnectionStringBuilder(options.ConnectionString);
        charsets = await LoadCharsetsAsync(ct);
        await using var connection = await ReplicationConnection.OpenAsync(builder.Server, (int)builder.Port, builder.UserID, builder.Password, options.Heartbeat.ReadDeadline, ct);
        await connection.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum", ct);
        await connection.ExecuteAsync("SET @mariadb_slave_capability = 4", ct);
        await connection.ExecuteAsync($"SET @slave_connect_state = '{from}'", ct);
        await connection.ExecuteAsync("SET @slave_gtid_strict_mode = 1", ct);
        await connection.ExecuteAsync($"SET @master_heartbeat_period = {options.Heartbeat.Nanoseconds}", ct);
        await connection.RegisterReplicaAsync(options.ServerId, ct);
        await connection.StartDumpAsync(options.ServerId, "", 4, ct);
        Connections++;
        Telemetry.CaptureMetrics.Streaming = true;
        return await ReadAsync(connection, checksummed, ct);
    }

    /// <summary>
    /// Reads the binlog from the start of <paramref name="file"/> to its current end and stops (for benches
    /// and checks): the same decoding and event building as streaming.
    /// </summary>
    public async Task ReadToEndAsync(string file, bool checksummed, CancellationToken ct)
    {
        var builder = new MySqlConnectionStringBuilder(options.ConnectionString);
        charsets = await LoadCharsetsAsync(ct);
        await using var connection = await ReplicationConnection.OpenAsync(builder.Server, (int)builder.Port, builder.UserID, builder.Password, options.Heartbeat.ReadDeadline, ct);
        await connection.ExecuteAsync("SET @master_binlog_checksum = @@global.binlog_checksum", ct);
        await connection.ExecuteAsync("SET @mariadb_slave_capability = 4", ct);
        await connection.StartDumpAsync(options.ServerId, file, 4, ct, nonBlocking: true);
        await ReadAsync(connection, checksummed, ct);
    }

    // Not pooled and bounded by the read deadline: after a network cut a pooled connection may be half-open, and
    // waiting on it would stall the reconnect the deadline just started.
    private async Task<CollationCharsets> LoadCharsetsAsync(CancellationToken ct)
    {
        var seconds = (uint)Math.Max(1, Math.Ceiling(options.Heartbeat.ReadDeadline.TotalSeconds));
        var builder = new MySqlConnectionStringBuilder(options.ConnectionString) { Pooling = false, ConnectionTimeout = seconds, DefaultCommandTimeout = seconds };
        try
        {
            await using var connection = new MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            return await CollationCharsets.LoadAsync(connection, ct);
        }
        catch (MySqlException e) { throw new CaptureException($"cannot connect to MariaDB with the capture connection string: {e.Message}", e); }
    }

    private async Task<bool> ReadAsync(ReplicationConnection connection, bool checksummed, CancellationToken ct)
    {
        tables.Clear();
        gtid = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var data = await connection.ReadEventAsync(ct);
                if (data is null) return false;
                Apply(BinlogEvent.Parse(data, checksummed));
            }
            return true;
        }
        finally
        {
            // A transaction cut off here is read again from its start on the next connection.
            tracker.AbandonOpen();
        }
    }

    /// <summary>Applies one binlog event: the stream's reader calls it for each event in order.</summary>
    /// <exception cref="CaptureException">An event the capture does not know, which may hold row changes.</exception>
    public void Apply(BinlogEvent e)
    {
        var body = e.Body.Span;
        switch (e.Type)
        {
            case BinlogEventType.Rotate:
                file = Encoding.UTF8.GetString(body[8..]);
                break;
            case BinlogEventType.MariaGtid:
            {
                var sequence = BinaryPrimitives.ReadUInt64LittleEndian(body);
                var domain = BinaryPrimitives.ReadUInt32LittleEndian(body[8..]);
                // A GTID starts a transaction: one still open here never committed, and is not counted as done.
                tracker.AbandonOpen();
                standalone = (body[12] & 1) != 0;
                gtid = (domain, e.ServerId, sequence);
                break;
            }
            case BinlogEventType.TableMap:
            {
                var tableId = RowsEvent.ReadTableId(body);
                var r = new PacketReader(body) { Offset = 8 };
                var database = Encoding.UTF8.GetString(r.Bytes(r.U8())); r.Skip(1);
                var table = Encoding.UTF8.GetString(r.Bytes(r.U8()));
                if (options.Captures(database, table)) tables[tableId] = TableMapEvent.Parse(body, charsets);
                else tables.Remove(tableId);
                break;
            }
            case BinlogEventType.Xid:
                Commit(e);
                break;
            case BinlogEventType.Query or BinlogEventType.QueryCompressed:
            {
                var query = QueryText(body, compressed: e.Type == BinlogEventType.QueryCompressed);
                if (standalone || query.Equals("COMMIT", StringComparison.OrdinalIgnoreCase)) Commit(e);
                break;
            }
            case BinlogEventType.Incident:
                throw new CaptureException($"MariaDB recorded an incident at {file}:{e.Position} (changes may be missing from the binlog " +
                                           "after it, as a replica would stop here); take a new snapshot: `insights capture --snapshot`");
            case var type when BinlogEventType.RowsKind(type) is not null:
                OnRows(e);
                break;
            case var type when BinlogEventType.CarriesNoRowChanges(type):
                break;
            default:
                throw new CaptureException($"binlog event type {e.Type} at {file}:{e.Position} is not one the capture knows; it may hold " +
                                           "row changes, so the capture stops rather than skip it (the checkpoint stays before it)");
        }
    }

    private void OnRows(BinlogEvent e)
    {
        var body = e.Body.Span;
        if (!tables.TryGetValue(RowsEvent.ReadTableId(body), out var map)) return;
        var rows = RowsEvent.Parse(e.Type, body, map);
        var op = rows.Kind switch
        {
            BinlogEventType.RowChange.Write => ChangeOperation.Create,
            BinlogEventType.RowChange.Update => ChangeOperation.Update,
            _ => ChangeOperation.Delete,
        };
        var tsMs = (long)e.Timestamp * 1000;
        for (var i = 0; i < rows.Rows.Count; i++)
        {
            var source = new SourceInfo
            {
                Version = ChangeEventFactory.DebeziumVersion, Connector = ChangeEventFactory.Connector, Name = options.TopicPrefix,
                TsMs = tsMs, TsUs = tsMs * 1000, TsNs = tsMs * 1_000_000, Snapshot = "false", Db = map.Database, Table = map.Table,
                ServerId = e.ServerId, Gtid = gtid is { } g ? $"{g.Domain}-{g.Server}-{g.Sequence}" : null,
                File = file, Pos = e.Position, Row = i,
            };
            rowEvents.Clear();
            events.Add(rowEvents, map.Definition, op, rows.Rows[i].Before, rows.Rows[i].After, source);
            foreach (var change in rowEvents) tracker.Send(change, sink);
            RowEvents++;
        }
    }

    private void Commit(BinlogEvent e)
    {
        if (gtid is { } g) Sent.Apply(g.Domain, g.Server, g.Sequence);
        tracker.Commit(new CaptureCheckpoint(Sent.ToString(), file, e.NextPosition, DateTimeOffset.UtcNow));
        gtid = null;
        standalone = false;
    }

    // QUERY: thread id, exec time, db length, error code, status variables, db name and NUL, then the statement,
    // which a QUERY_COMPRESSED event holds as a compressed record.
    private static string QueryText(ReadOnlySpan<byte> body, bool compressed)
    {
        var r = new PacketReader(body);
        r.Skip(4 + 4);
        var dbLength = r.U8();
        r.Skip(2);
        var statusLength = r.U16();
        r.Skip(statusLength + dbLength + 1);
        return compressed
            ? Encoding.UTF8.GetString(RowsEvent.Inflate([], r.Rest, "compressed query event"))
            : r.RestAsString();
    }
}
