using System.Buffers.Binary;
using System.IO.Compression;
using Insights.Capture.Binlog;
using Insights.Capture.Position;
using Insights.Capture.Schema;
using Insights.Contracts.Cinema;
using MySqlConnector;
using static Insights.Capture.Tests.GoldenEventTests;

namespace Insights.Capture.Tests;

/// <summary>
/// A MariaDB writing compressed binlog events (log_bin_compress=ON), with the threshold lowered so that every row
/// event and statement of more than 10 bytes is compressed.
/// </summary>
public sealed class CompressedBinlogCaptureFixture() : CaptureFixture(messageKeys: null, serverSettings: ["log_bin_compress=ON", "log_bin_compress_min_len=10"]);

/// <summary>Compressed row and query events are decoded like plain ones: nothing is skipped while the checkpoint moves on.</summary>
[Collection(OneServerAtATime.Name)]
public sealed class CompressedBinlogTests(CompressedBinlogCaptureFixture capture) : IClassFixture<CompressedBinlogCaptureFixture>
{
    [Fact]
    public async Task Compressed_insert_update_and_delete_events_give_the_same_events_as_plain_ones()
    {
        await AssertTicketEventsKeyedByAsync(capture, """{"member_id":100}""");
        var types = await BinlogEventTypesAsync();
        Assert.Contains("Write_rows_compressed_v1", types);
        Assert.Contains("Update_rows_compressed_v1", types);
        Assert.Contains("Delete_rows_compressed_v1", types);
    }

    [Fact]
    public async Task A_compressed_schema_change_and_many_rows_in_one_compressed_event_are_followed()
    {
        var values = string.Join(", ", Enumerable.Range(200, 100).Select(id => $"({id}, 1, {id % 7}, '2024-03-01 18:00:00', '2d')"));
        await capture.ExecuteAsync($"""
            INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES {values};
            ALTER TABLE sessions ADD COLUMN hall VARCHAR(8) NULL AFTER cinema_id;
            INSERT INTO sessions (session_id, movie_id, cinema_id, hall, starts_at, format) VALUES (300, 1, 2, 'H1', '2024-03-01 18:00:00', '3d');
            """);
        for (var id = 200; id < 300; id++)
        {
            var events = await EventsAsync(capture, "sessions", $$"""{"session_id":{{id}}}""", 1);
            EventAssert.Matches(Event("c", null, $$"""{"session_id":{{id}},"movie_id":1,"cinema_id":{{id % 7}},"starts_at":1709316000000,"format":"2d"}""",
                Streamed("sessions", row: id - 200)), events[0].Value);
        }
        var after = await EventsAsync(capture, "sessions", """{"session_id":300}""", 1);
        EventAssert.Matches(Event("c", null, """{"session_id":300,"movie_id":1,"cinema_id":2,"hall":"H1","starts_at":1709316000000,"format":"3d"}""",
            Streamed("sessions")), after[0].Value);
        Assert.Contains("Query_compressed", await BinlogEventTypesAsync());
    }

    private async Task<List<string>> BinlogEventTypesAsync()
    {
        await using var connection = new MySqlConnection(capture.Server.RootConnectionString);
        await connection.OpenAsync();
        var files = new List<string>();
        await using (var logs = new MySqlCommand("SHOW BINARY LOGS", connection))
        await using (var reader = await logs.ExecuteReaderAsync())
            while (await reader.ReadAsync()) files.Add(reader.GetString(0));
        var types = new List<string>();
        foreach (var file in files)
        {
            await using var events = new MySqlCommand($"SHOW BINLOG EVENTS IN '{file}'", connection);
            await using var reader = await events.ExecuteReaderAsync();
            while (await reader.ReadAsync()) types.Add(reader.GetString(2));
        }
        return types;
    }
}

/// <summary>Event types the capture does not decode stop it, naming the type, instead of being skipped.</summary>
public sealed class UnknownBinlogEventTests
{
    private static BinlogStreamer Streamer() => new(
        new CaptureOptions { ConnectionString = "Server=127.0.0.1;User ID=nobody", CheckpointPath = "unused" },
        new ChangeEventFactory(CinemaTables.DefaultTopicPrefix, new DebeziumColumnEncoder(), TimeProvider.System, MessageKeyColumns.None),
        new RecordingSink(), new CommitTracker(null));

    private static BinlogEvent Event(byte type, params byte[] body)
    {
        var data = new byte[BinlogEvent.HeaderLength + body.Length];
        data[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(5), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(9), (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(13), 1000);
        body.CopyTo(data, BinlogEvent.HeaderLength);
        return BinlogEvent.Parse(data, checksummed: false);
    }

    [Theory]
    [InlineData(20)]  // pre-GA write rows
    [InlineData(39)]  // MySQL partial update rows
    [InlineData(40)]  // MySQL compressed transaction payload
    [InlineData(172)] // newer than the MariaDB events the capture knows
    public void An_event_type_that_may_hold_rows_stops_the_capture_naming_it(byte type)
    {
        var error = Assert.Throws<CaptureException>(() => Streamer().Apply(Event(type, new byte[16])));
        Assert.Contains($"binlog event type {type}", error.Message);
        Assert.Contains("stops", error.Message);
    }

    [Fact]
    public void An_incident_stops_the_capture_and_asks_for_a_snapshot()
    {
        var error = Assert.Throws<CaptureException>(() => Streamer().Apply(Event(BinlogEventType.Incident, new byte[8])));
        Assert.Contains("--snapshot", error.Message);
    }

    [Theory]
    [InlineData(BinlogEventType.Heartbeat)]
    [InlineData(BinlogEventType.AnnotateRows)]
    [InlineData(BinlogEventType.BinlogCheckpoint)]
    [InlineData(BinlogEventType.FormatDescription)]
    public void Events_without_row_changes_are_passed_over(byte type) =>
        Streamer().Apply(Event(type, new byte[16]));

    [Fact]
    public void A_compressed_v2_rows_event_skips_its_extra_header_and_inflates_the_rows()
    {
        // table id 6 bytes, flags 2, extra header (length 4 including itself + 2 bytes), 2 columns, bitmap, rows.
        byte[] head = [1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0xAA, 0xBB, 2, 0b11];
        byte[] rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(rows);
        byte[] body = [.. head, 0x81, (byte)rows.Length, .. compressed.ToArray()];
        Assert.Equal([.. head, .. rows], RowsEvent.Decompress(BinlogEventType.WriteRowsCompressedV2, body));
    }
}
