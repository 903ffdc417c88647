using System.Text;
using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;

namespace Insights.Contracts.Tests.Debezium;

public sealed class ChangeEnvelopeTests
{
    private const string Source = """
        {"version":"3.0.8.Final","connector":"mariadb","name":"cdc","ts_ms":1704164645000,"snapshot":"false","db":"cinema",
         "sequence":null,"ts_us":1704164645000000,"ts_ns":1704164645000000000,"table":"tickets","server_id":1,"gtid":"0-1-42",
         "file":"binlog.000002","pos":1234,"row":1,"thread":null,"query":null}
        """;

    private static string Ticket(string price) => $$"""
        {"ticket_id":9000000001,"member_id":7,"session_id":31,"purchased_at":1704164645123,"quantity":2,"price":{{price}},
         "status":"purchased","updated_at":"2024-01-02T03:04:05.12Z"}
        """;

    private static string Envelope(string op, string? before, string? after) =>
        $$"""{"before":{{before ?? "null"}},"after":{{after ?? "null"}},"source":{{Source}},"transaction":null,"op":"{{op}}","ts_ms":1704164646000,"ts_us":1704164646000000,"ts_ns":1704164646000000000}""";

    [Fact]
    public void Parses_an_envelope_written_with_schemas_disabled()
    {
        var envelope = ChangeEnvelope.Parse(Envelope("c", null, Ticket("\"BOI=\"")))!;
        Assert.Equal(ChangeOperation.Create, envelope.Op);
        Assert.Null(envelope.Before);
        Assert.Equal(1704164646000, envelope.TsMs);
        Assert.Equal(("binlog.000002", 1234L, 1), envelope.Source.Position);
        Assert.Equal("0-1-42", envelope.Source.Gtid);
        Assert.Equal("mariadb", envelope.Source.Connector);
        Assert.Equal(1L, envelope.Source.ServerId);
        var ticket = TicketRow.Read(envelope.After!.Value);
        Assert.Equal(new TicketRow(9000000001, 7, 31, new DateTime(2024, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc), 2, 12.50m, "purchased",
            new DateTimeOffset(2024, 1, 2, 3, 4, 5, 120, TimeSpan.Zero)), ticket);
    }

    [Fact]
    public void Parses_an_envelope_wrapped_in_schema_and_payload()
    {
        var wrapped = $$"""{"schema":{"type":"struct","fields":[],"optional":false,"name":"cdc.cinema.tickets.Envelope"},"payload":{{Envelope("u", Ticket("\"BOI=\""), Ticket("\"/so=\""))}}}""";
        var envelope = ChangeEnvelope.Parse(wrapped)!;
        Assert.Equal(ChangeOperation.Update, envelope.Op);
        Assert.Equal(12.50m, TicketRow.Read(envelope.Before!.Value).Price);
        Assert.Equal(-3.10m, TicketRow.Read(envelope.After!.Value).Price);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("""{"schema":null,"payload":null}""")]
    public void A_tombstone_parses_as_null(string value) =>
        Assert.Null(ChangeEnvelope.Parse(Encoding.UTF8.GetBytes(value)));

    [Theory]
    [InlineData(DecimalHandling.String, "\"12.50\"", 12.50)]
    [InlineData(DecimalHandling.Double, "12.5", 12.50)]
    [InlineData(DecimalHandling.Precise, "\"/so=\"", -3.10)]
    public void Reads_decimals_in_each_decimal_handling_mode(DecimalHandling mode, string json, double expected)
    {
        var envelope = ChangeEnvelope.Parse(Envelope("r", null, Ticket(json)))!;
        Assert.Equal((decimal)expected, TicketRow.Read(envelope.After!.Value, mode).Price);
    }

    [Fact]
    public void A_decimal_in_another_mode_than_configured_names_the_column()
    {
        var envelope = ChangeEnvelope.Parse(Envelope("c", null, Ticket("12.5")))!;
        var error = Assert.Throws<FormatException>(() => TicketRow.Read(envelope.After!.Value, DecimalHandling.Precise));
        Assert.Contains("'price'", error.Message);
    }

    [Fact]
    public void Reads_date_set_enum_and_timestamp_columns_of_a_movie()
    {
        var movie = """{"movie_id":1,"title":"Toy Story (1995)","genres":"animation,children,comedy","release_date":9131,"certificate":"U","runtime_minutes":81,"status":"now_showing","updated_at":"2024-01-02T03:04:05Z"}""";
        var row = MovieRow.Read(ChangeEnvelope.Parse(Envelope("c", null, movie))!.After!.Value);
        Assert.Equal(["animation", "children", "comedy"], row.Genres);
        Assert.Equal(new DateOnly(1995, 1, 1), row.ReleaseDate);
        Assert.Equal("now_showing", row.Status);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), row.UpdatedAt);
    }

    [Fact]
    public void A_delete_reads_its_row_from_before()
    {
        var envelope = ChangeEnvelope.Parse(Envelope("d", Ticket("\"BOI=\""), null))!;
        Assert.Equal(ChangeOperation.Delete, envelope.Op);
        Assert.Equal(9000000001, TicketRow.Read(envelope.Row).TicketId);
    }

    [Theory]
    [InlineData("{\"op\":\"x\"}", "'source'")]
    [InlineData("[1]", "JSON object")]
    [InlineData("{not json", "not JSON")]
    public void Malformed_events_fail_naming_the_problem(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ChangeEnvelope.Parse(value));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_unknown_op_is_named()
    {
        var error = Assert.Throws<FormatException>(() => ChangeEnvelope.Parse(Envelope("x", null, Ticket("\"BOI=\""))));
        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public void The_writer_output_parses_back_to_the_same_source_and_rows()
    {
        var source = new SourceInfo
        {
            Version = "3.0.8.Final", Connector = "mariadb", Name = "cdc", TsMs = 1, Db = "cinema", Table = "sessions",
            ServerId = 1, Gtid = "0-1-5", File = "binlog.000001", Pos = 400, Row = 0,
        };
        var after = new[] { new ColumnValue("session_id", 31L), new ColumnValue("movie_id", 1L), new ColumnValue("cinema_id", 4L),
            new ColumnValue("starts_at", 1704164640000L), new ColumnValue("format", "imax") };
        var envelope = ChangeEnvelope.Parse(ChangeEventWriter.Value(ChangeOperation.Create, null, after, source, 5_000_000))!;
        Assert.Equal(source, envelope.Source);
        Assert.Equal(5000, envelope.TsMs);
        Assert.Equal(new SessionRow(31, 1, 4, new DateTime(2024, 1, 2, 3, 4, 0, DateTimeKind.Utc), "imax"), SessionRow.Read(envelope.After!.Value));
        Assert.Equal("{\"session_id\":31}", Encoding.UTF8.GetString(ChangeEventWriter.Key([after[0]])));
    }
}
