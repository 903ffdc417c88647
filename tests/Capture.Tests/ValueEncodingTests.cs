using Insights.Contracts.Cinema;
using static Insights.Capture.Tests.GoldenEventTests;

namespace Insights.Capture.Tests;

/// <summary>The capture with one more table, created with one row before the snapshot and captured besides the cinema tables.</summary>
public abstract class ExtraTableCaptureFixture(string table, string setup) : CaptureFixture(messageKeys: null, setup: setup)
{
    protected override CaptureOptions Configure(CaptureOptions options) => options with { Tables = [.. CinemaTables.All, table] };
}

/// <summary>Zero and partial-zero dates, which MariaDB's default sql_mode accepts, in nullable and NOT NULL columns.</summary>
public sealed class ZeroDatesCaptureFixture() : ExtraTableCaptureFixture("zero_dates", """
    CREATE TABLE zero_dates (
      id INT NOT NULL PRIMARY KEY,
      day_or_null DATE NULL, day DATE NOT NULL,
      moment_or_null DATETIME(3) NULL, moment DATETIME NOT NULL,
      stamp_or_null TIMESTAMP NULL DEFAULT NULL, stamp TIMESTAMP NOT NULL DEFAULT '0000-00-00 00:00:00');
    INSERT INTO zero_dates VALUES (1, '0000-00-00', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00');
    """);

/// <summary>TIME, BIT, spatial, JSON and binary columns, and BIGINT UNSIGNED beyond long's range.</summary>
public sealed class OdditiesCaptureFixture() : ExtraTableCaptureFixture("oddities", """
    CREATE TABLE oddities (
      id INT NOT NULL PRIMARY KEY,
      span TIME(2) NULL, flag BIT(1) NULL, mask BIT(10) NULL, shape GEOMETRY NULL, spot POINT NULL,
      doc JSON NULL, data BLOB NULL, code BINARY(4) NULL, raw VARBINARY(8) NULL, big BIGINT UNSIGNED NULL);
    INSERT INTO oddities VALUES (1, '-01:02:03.45', b'1', b'1000000001', ST_GeomFromText('LINESTRING(0 0,1 1)', 4326), POINT(1.5, 2.25),
      '{"a": [1, 2]}', 0x00FF10, 0x0102, 0x0001, 18446744073709551615);
    """);

/// <summary>A table without a primary key.</summary>
public sealed class KeylessCaptureFixture() : ExtraTableCaptureFixture("notes", """
    CREATE TABLE notes (note VARCHAR(20) NOT NULL, amount INT NULL);
    INSERT INTO notes VALUES ('before', 1);
    """);

/// <summary>Text columns in latin1 (MariaDB's latin1 is Windows-1252: it holds €), ascii and utf8mb3 beside utf8mb4.</summary>
public sealed class CharsetsCaptureFixture() : ExtraTableCaptureFixture("labels", """
    CREATE TABLE labels (
      id INT NOT NULL PRIMARY KEY,
      latin VARCHAR(20) CHARACTER SET latin1 NULL, latin_fixed CHAR(5) CHARACTER SET latin1 NULL,
      latin_text TEXT CHARACTER SET latin1 NULL, kind ENUM('café', 'thé') CHARACTER SET latin1 NULL,
      plain VARCHAR(10) CHARACTER SET ascii NULL, old_utf8 VARCHAR(10) CHARACTER SET utf8mb3 NULL, utf8 VARCHAR(10) NULL
    ) DEFAULT CHARSET = utf8mb4;
    INSERT INTO labels VALUES (1, 'é', 'é', 'é€', 'thé', 'abc', 'ß', '😀');
    """);

/// <summary>Debezium's snapshot-marker values: which one a single-row table gets depends on the table order.</summary>
internal static class SnapshotMarker
{
    public const string Any = "~first|first_in_data_collection|true|last_in_data_collection|last";
}

/// <summary>
/// A zero date has no Debezium encoding: Debezium writes null for a nullable column and the epoch for a NOT NULL one,
/// whether the row was read by the snapshot's SELECT or from the binlog. The capture neither stops nor skips the row.
/// </summary>
[Collection(OneServerAtATime.Name)]
public sealed class ZeroDateTests(ZeroDatesCaptureFixture capture) : IClassFixture<ZeroDatesCaptureFixture>
{
    private const string ZeroDates = """
        {"id":ID,"day_or_null":null,"day":0,"moment_or_null":null,"moment":0,"stamp_or_null":null,"stamp":"1970-01-01T00:00:00Z"}
        """;

    [Fact]
    public async Task Zero_dates_are_null_in_nullable_columns_and_the_epoch_in_not_null_ones_in_the_snapshot_and_the_binlog()
    {
        await capture.ExecuteAsync("""
            INSERT INTO zero_dates VALUES (2, '0000-00-00', '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00');
            INSERT INTO zero_dates VALUES (3, '2024-00-00', '2024-02-00', '2024-00-10 10:00:00.5', '2024-05-00 12:00:00', NULL, '2024-01-02 03:04:05');
            """);
        var snapshot = await EventsAsync(capture, "zero_dates", """{"id":1}""", 1);
        EventAssert.Matches(Event("r", null, ZeroDates.Replace("ID", "1"), GoldenEventTests.Snapshot("zero_dates", SnapshotMarker.Any)), snapshot[0].Value);
        var zero = await EventsAsync(capture, "zero_dates", """{"id":2}""", 1);
        EventAssert.Matches(Event("c", null, ZeroDates.Replace("ID", "2"), Streamed("zero_dates")), zero[0].Value);
        var partial = await EventsAsync(capture, "zero_dates", """{"id":3}""", 1);
        EventAssert.Matches(Event("c", null, """
            {"id":3,"day_or_null":null,"day":0,"moment_or_null":null,"moment":0,"stamp_or_null":null,"stamp":"2024-01-02T03:04:05Z"}
            """, Streamed("zero_dates")), partial[0].Value);
    }

}

/// <summary>
/// Negative TIME, BIT, spatial, JSON and binary values in Debezium's encodings (binary.handling.mode=bytes, base64 in
/// JSON), read by the snapshot and from the binlog.
/// </summary>
[Collection(OneServerAtATime.Name)]
public sealed class UnusualTypeTests(OdditiesCaptureFixture capture) : IClassFixture<OdditiesCaptureFixture>
{
    private const string LineString = """{"wkb":"AQIAAAACAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAPA/AAAAAAAA8D8=","srid":4326}""";
    private const string Point = """{"x":1.5,"y":2.25,"wkb":"AQEAAAAAAAAAAAD4PwAAAAAAAAJA","srid":null}""";

    private static string Oddities(int id) => $$"""
        {"id":{{id}},"span":-3723450000,"flag":true,"mask":"AQI=","shape":{{LineString}},"spot":{{Point}},
         "doc":"{\"a\": [1, 2]}","data":"AP8Q","code":"AQIAAA==","raw":"AAE=","big":-1}
        """;

    [Fact]
    public async Task Negative_time_bits_spatial_json_and_binary_columns_have_debeziums_encodings()
    {
        await capture.ExecuteAsync("""
            INSERT INTO oddities VALUES (2, '-01:02:03.45', b'1', b'1000000001', ST_GeomFromText('LINESTRING(0 0,1 1)', 4326), POINT(1.5, 2.25),
              '{"a": [1, 2]}', 0x00FF10, 0x0102, 0x0001, 18446744073709551615);
            INSERT INTO oddities VALUES (3, '-00:00:00.50', b'0', b'0000000000', NULL, NULL, NULL, '', X'', NULL, NULL);
            INSERT INTO oddities (id, span) VALUES (4, '838:59:59.99'), (5, '-838:59:59.99'), (6, '-00:01:00');
            """);
        var snapshot = await EventsAsync(capture, "oddities", """{"id":1}""", 1);
        EventAssert.Matches(Event("r", null, Oddities(1), GoldenEventTests.Snapshot("oddities", SnapshotMarker.Any)), snapshot[0].Value);
        var streamed = await EventsAsync(capture, "oddities", """{"id":2}""", 1);
        EventAssert.Matches(Event("c", null, Oddities(2), Streamed("oddities")), streamed[0].Value);
        var zeros = await EventsAsync(capture, "oddities", """{"id":3}""", 1);
        EventAssert.Matches(Event("c", null, """
            {"id":3,"span":-500000,"flag":false,"mask":"AAA=","shape":null,"spot":null,"doc":null,"data":"","code":"AAAAAA==","raw":null,"big":null}
            """, Streamed("oddities")), zeros[0].Value);
        long[] spans = [3_020_399_990_000, -3_020_399_990_000, -60_000_000];
        for (var id = 4; id <= 6; id++)
        {
            var time = await EventsAsync(capture, "oddities", $$"""{"id":{{id}}}""", 1);
            EventAssert.Matches(Event("c", null, $$"""
                {"id":{{id}},"span":{{spans[id - 4]}},"flag":null,"mask":null,"shape":null,"spot":null,"doc":null,"data":null,"code":null,"raw":null,"big":null}
                """, Streamed("oddities", row: id - 4)), time[0].Value);
        }
    }

}

/// <summary>Debezium keys the events of a table without a primary key with null; the capture does too instead of stopping.</summary>
[Collection(OneServerAtATime.Name)]
public sealed class KeylessTableTests(KeylessCaptureFixture capture) : IClassFixture<KeylessCaptureFixture>
{
    [Fact]
    public async Task A_table_without_a_primary_key_has_events_with_a_null_key_and_a_null_keyed_tombstone()
    {
        await capture.ExecuteAsync("""
            INSERT INTO notes VALUES ('hello', 2);
            UPDATE notes SET amount = 3 WHERE note = 'hello';
            DELETE FROM notes WHERE note = 'hello';
            """);
        var events = await EventsAsync(capture, "notes", null, 5);
        EventAssert.Matches(Event("r", null, """{"note":"before","amount":1}""", GoldenEventTests.Snapshot("notes", SnapshotMarker.Any)), events[0].Value);
        EventAssert.Matches(Event("c", null, """{"note":"hello","amount":2}""", Streamed("notes")), events[1].Value);
        EventAssert.Matches(Event("u", """{"note":"hello","amount":2}""", """{"note":"hello","amount":3}""", Streamed("notes")), events[2].Value);
        EventAssert.Matches(Event("d", """{"note":"hello","amount":3}""", null, Streamed("notes")), events[3].Value);
        Assert.Null(events[4].Value);
        Assert.All(events, e => Assert.Null(e.Key));
    }

}

/// <summary>Binlog bytes of a text column are decoded in the column's character set, named by the table map.</summary>
[Collection(OneServerAtATime.Name)]
public sealed class CharsetTests(CharsetsCaptureFixture capture) : IClassFixture<CharsetsCaptureFixture>
{
    private static string Labels(int id) => $$"""
        {"id":{{id}},"latin":"é","latin_fixed":"é","latin_text":"é€","kind":"thé","plain":"abc","old_utf8":"ß","utf8":"😀"}
        """;

    [Fact]
    public async Task Text_in_latin1_ascii_and_utf8mb3_columns_is_decoded_in_the_columns_character_set()
    {
        await capture.ExecuteAsync("INSERT INTO labels VALUES (2, 'é', 'é', 'é€', 'thé', 'abc', 'ß', '😀');");
        var snapshot = await EventsAsync(capture, "labels", """{"id":1}""", 1);
        EventAssert.Matches(Event("r", null, Labels(1), GoldenEventTests.Snapshot("labels", SnapshotMarker.Any)), snapshot[0].Value);
        var streamed = await EventsAsync(capture, "labels", """{"id":2}""", 1);
        EventAssert.Matches(Event("c", null, Labels(2), Streamed("labels")), streamed[0].Value);
    }
}

/// <summary>A value the capture's .NET types cannot hold stops it with a message naming the column, not a stack trace.</summary>
public sealed class UnencodableValueTests
{
    [Fact]
    public void A_decimal_with_more_than_28_places_stops_the_capture_naming_the_column()
    {
        var column = new Schema.ColumnDefinition("ratio", Schema.ColumnType.Decimal, Precision: 65, Scale: 30);
        var error = Assert.Throws<CaptureException>(() => new Schema.DebeziumColumnEncoder().Encode(column, 0.5m));
        Assert.Contains("column ratio (Decimal)", error.Message);
    }
}
