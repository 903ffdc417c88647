using Insights.Contracts.Cinema;

namespace Insights.Capture.Tests;

/// <summary>
/// The capture's events for each table and operation equal hand-written Debezium MariaDB events, field by
/// field and with Debezium's encodings. "~regex" marks values that depend on the run (positions, clocks).
/// </summary>
public sealed class GoldenEventTests(CaptureFixture capture) : IClassFixture<CaptureFixture>
{
    private const string Clock = "~1[7-9][0-9]{11}";
    private static string Envelope(string op) => $$"""
        "transaction":null,"op":"{{op}}","ts_ms":"{{Clock}}","ts_us":"~[0-9]{16}","ts_ns":"~[0-9]{19}"
        """;

    internal static string Streamed(string table, int row = 0) => $$"""
        {"version":"3.0.8.Final","connector":"mariadb","name":"cdc","ts_ms":"{{Clock}}","snapshot":"false","db":"cinema","sequence":null,
         "ts_us":"~[0-9]{16}","ts_ns":"~[0-9]{19}","table":"{{table}}","server_id":1,"gtid":"~0-1-[0-9]+","file":"~binlog\\.[0-9]{6}",
         "pos":"~[0-9]+","row":{{row}},"thread":null,"query":null}
        """;

    internal static string Snapshot(string table, string marker) => $$"""
        {"version":"3.0.8.Final","connector":"mariadb","name":"cdc","ts_ms":"{{Clock}}","snapshot":"{{marker}}","db":"cinema","sequence":null,
         "ts_us":"~[0-9]{16}","ts_ns":"~[0-9]{19}","table":"{{table}}","server_id":0,"gtid":null,"file":"~binlog\\.[0-9]{6}",
         "pos":"~[0-9]+","row":0,"thread":null,"query":null}
        """;

    internal static string Event(string op, string? before, string? after, string source) =>
        "{\"before\":" + (before ?? "null") + ",\"after\":" + (after ?? "null") + ",\"source\":" + source + "," + Envelope(op) + "}";

    internal static async Task<IReadOnlyList<Capture.Sinks.CapturedEvent>> EventsAsync(CaptureFixture capture, string table, string? key, int count)
    {
        capture.ThrowIfCaptureFailed();
        try { return await capture.Sink.WaitForAsync(CinemaTables.Topic(table), key, count); }
        finally { capture.ThrowIfCaptureFailed(); }
    }

    [Fact]
    public async Task Snapshot_reads_existing_movies_with_date_set_enum_and_timestamp_encodings()
    {
        var events = await EventsAsync(capture, "movies", """{"movie_id":1}""", 1);
        EventAssert.Matches(Event("r", null, """
            {"movie_id":1,"title":"Toy Story (1995)","genres":"animation,children,comedy","release_date":9131,"certificate":"U",
             "runtime_minutes":81,"status":"now_showing","updated_at":"2024-01-02T03:04:05Z"}
            """, Snapshot("movies", "first_in_data_collection")), events[0].Value);
    }

    [Fact]
    public async Task Snapshot_marks_the_first_and_last_records_and_reads_members_with_personal_fields()
    {
        var member = await EventsAsync(capture, "members", """{"member_id":100}""", 1);
        EventAssert.Matches(Event("r", null, """
            {"member_id":100,"name":"Test Member","email":"member100@example.invalid","postcode":"AB1 2CD","birth_year":1980,"gender":"F",
             "occupation":"writer","joined_at":1685613600000,"updated_at":"2024-01-02T03:04:05Z"}
            """, Snapshot("members", "first")), member[0].Value);
        var session = await EventsAsync(capture, "sessions", """{"session_id":10}""", 1);
        EventAssert.Matches(Event("r", null, """
            {"session_id":10,"movie_id":1,"cinema_id":3,"starts_at":1704483000000,"format":"imax"}
            """, Snapshot("sessions", "last")), session[0].Value);
    }

    private const string Purchased = """
        {"ticket_id":5000000001,"member_id":100,"session_id":10,"purchased_at":1704477601234,"quantity":2,"price":"BOI=",
         "status":"purchased","updated_at":"2024-01-05T18:00:01.23Z"}
        """;

    private const string Refunded = """
        {"ticket_id":5000000001,"member_id":100,"session_id":10,"purchased_at":1704477601234,"quantity":2,"price":"BOI=",
         "status":"refunded","updated_at":"2024-01-06T09:00:00Z"}
        """;

    /// <summary>One ticket bought, refunded and deleted.</summary>
    internal const string TicketBoughtRefundedDeleted = """
        INSERT INTO tickets (ticket_id, member_id, session_id, purchased_at, quantity, price, status, updated_at)
          VALUES (5000000001, 100, 10, '2024-01-05 18:00:01.234', 2, 12.50, 'purchased', '2024-01-05 18:00:01.230');
        UPDATE tickets SET status = 'refunded', updated_at = '2024-01-06 09:00:00' WHERE ticket_id = 5000000001;
        DELETE FROM tickets WHERE ticket_id = 5000000001;
        """;

    /// <summary>The events of <see cref="TicketBoughtRefundedDeleted"/>: c, u, d and a tombstone, every one with <paramref name="key"/>.</summary>
    internal static async Task AssertTicketEventsKeyedByAsync(CaptureFixture capture, string key)
    {
        await capture.ExecuteAsync(TicketBoughtRefundedDeleted);
        var events = await EventsAsync(capture, "tickets", key, 4);
        EventAssert.Matches(Event("c", null, Purchased, Streamed("tickets")), events[0].Value);
        EventAssert.Matches(Event("u", Purchased, Refunded, Streamed("tickets")), events[1].Value);
        EventAssert.Matches(Event("d", Refunded, null, Streamed("tickets")), events[2].Value);
        Assert.Null(events[3].Value);
        Assert.All(events, e => Assert.Equal(key, System.Text.Encoding.UTF8.GetString(e.Key!)));
    }

    [Fact]
    public Task Ticket_insert_refund_and_delete_are_c_u_d_events_and_a_tombstone_keyed_by_member() =>
        AssertTicketEventsKeyedByAsync(capture, """{"member_id":100}""");

    [Fact]
    public async Task A_ticket_moved_to_another_member_is_deleted_under_the_old_member_and_created_under_the_new()
    {
        await capture.ExecuteAsync("""
            INSERT INTO members (member_id, name, email, joined_at, updated_at) VALUES
              (103, 'Member 103', 'member103@example.invalid', '2023-06-01 10:00:00', '2024-01-02 03:04:05'),
              (104, 'Member 104', 'member104@example.invalid', '2023-06-01 10:00:00', '2024-01-02 03:04:05');
            INSERT INTO tickets (ticket_id, member_id, session_id, purchased_at, quantity, price, status, updated_at)
              VALUES (5000000003, 103, 10, '2024-01-05 18:00:01.234', 1, 12.50, 'purchased', '2024-01-05 18:00:01.000');
            UPDATE tickets SET member_id = 104, updated_at = '2024-01-06 09:00:00' WHERE ticket_id = 5000000003;
            """);
        const string bought = """
            {"ticket_id":5000000003,"member_id":103,"session_id":10,"purchased_at":1704477601234,"quantity":1,"price":"BOI=",
             "status":"purchased","updated_at":"2024-01-05T18:00:01Z"}
            """;
        const string moved = """
            {"ticket_id":5000000003,"member_id":104,"session_id":10,"purchased_at":1704477601234,"quantity":1,"price":"BOI=",
             "status":"purchased","updated_at":"2024-01-06T09:00:00Z"}
            """;
        var oldMember = await EventsAsync(capture, "tickets", """{"member_id":103}""", 3);
        var newMember = await EventsAsync(capture, "tickets", """{"member_id":104}""", 1);
        EventAssert.Matches(Event("c", null, bought, Streamed("tickets")), oldMember[0].Value);
        EventAssert.Matches(Event("d", bought, null, Streamed("tickets")), oldMember[1].Value);
        Assert.Null(oldMember[2].Value);
        EventAssert.Matches(Event("c", null, moved, Streamed("tickets")), newMember[0].Value);
    }

    [Fact]
    public async Task A_negative_price_is_a_twos_complement_precise_decimal()
    {
        await capture.ExecuteAsync("""
            INSERT INTO members (member_id, name, email, joined_at, updated_at)
              VALUES (102, 'Member 102', 'member102@example.invalid', '2023-06-01 10:00:00', '2024-01-02 03:04:05');
            INSERT INTO tickets (ticket_id, member_id, session_id, purchased_at, quantity, price, status, updated_at)
              VALUES (5000000002, 102, 10, '2024-01-05 18:00:01.234', 1, -3.10, 'refunded', '2024-01-05 18:00:01.000');
            """);
        var events = await EventsAsync(capture, "tickets", """{"member_id":102}""", 1);
        EventAssert.Matches(Event("c", null, """
            {"ticket_id":5000000002,"member_id":102,"session_id":10,"purchased_at":1704477601234,"quantity":1,"price":"/so=",
             "status":"refunded","updated_at":"2024-01-05T18:00:01Z"}
            """, Streamed("tickets")), events[0].Value);
    }

    [Fact]
    public async Task Rows_of_one_statement_carry_their_row_index_in_the_event()
    {
        await capture.ExecuteAsync("""
            INSERT INTO sessions (session_id, movie_id, cinema_id, starts_at, format) VALUES
              (20, 1, 7, '2024-02-10 20:15:00', '3d'), (21, 1, 7, '2024-02-10 20:15:00', '4dx');
            """);
        var first = await EventsAsync(capture, "sessions", """{"session_id":20}""", 1);
        var second = await EventsAsync(capture, "sessions", """{"session_id":21}""", 1);
        EventAssert.Matches(Event("c", null, """{"session_id":20,"movie_id":1,"cinema_id":7,"starts_at":1707596100000,"format":"3d"}""",
            Streamed("sessions", row: 0)), first[0].Value);
        EventAssert.Matches(Event("c", null, """{"session_id":21,"movie_id":1,"cinema_id":7,"starts_at":1707596100000,"format":"4dx"}""",
            Streamed("sessions", row: 1)), second[0].Value);
    }

    [Fact]
    public async Task Movie_insert_and_status_change_encode_set_nulls_and_dates()
    {
        await capture.ExecuteAsync("""
            INSERT INTO movies (movie_id, title, genres, release_date, certificate, runtime_minutes, status, updated_at)
              VALUES (2, 'Future Film', 'sci_fi,thriller', '2026-03-13', NULL, NULL, 'coming_soon', '2024-01-02 03:04:05');
            UPDATE movies SET status = 'now_showing', genres = '', updated_at = '2024-01-03 00:00:00' WHERE movie_id = 2;
            """);
        var events = await EventsAsync(capture, "movies", """{"movie_id":2}""", 2);
        const string coming = """
            {"movie_id":2,"title":"Future Film","genres":"sci_fi,thriller","release_date":20525,"certificate":null,"runtime_minutes":null,
             "status":"coming_soon","updated_at":"2024-01-02T03:04:05Z"}
            """;
        EventAssert.Matches(Event("c", null, coming, Streamed("movies")), events[0].Value);
        EventAssert.Matches(Event("u", coming, """
            {"movie_id":2,"title":"Future Film","genres":"","release_date":20525,"certificate":null,"runtime_minutes":null,
             "status":"now_showing","updated_at":"2024-01-03T00:00:00Z"}
            """, Streamed("movies")), events[1].Value);
    }

    [Fact]
    public async Task Member_insert_update_and_delete_keep_demographics_and_emit_a_tombstone()
    {
        await capture.ExecuteAsync("""
            INSERT INTO members (member_id, name, email, postcode, birth_year, gender, occupation, joined_at, updated_at)
              VALUES (101, 'Other Member', 'member101@example.invalid', NULL, NULL, NULL, NULL, '2023-06-01 10:00:00', '2024-01-02 03:04:05');
            UPDATE members SET occupation = 'engineer', updated_at = '2024-01-02 03:04:06' WHERE member_id = 101;
            DELETE FROM members WHERE member_id = 101;
            """);
        var events = await EventsAsync(capture, "members", """{"member_id":101}""", 4);
        const string inserted = """
            {"member_id":101,"name":"Other Member","email":"member101@example.invalid","postcode":null,"birth_year":null,"gender":null,
             "occupation":null,"joined_at":1685613600000,"updated_at":"2024-01-02T03:04:05Z"}
            """;
        const string updated = """
            {"member_id":101,"name":"Other Member","email":"member101@example.invalid","postcode":null,"birth_year":null,"gender":null,
             "occupation":"engineer","joined_at":1685613600000,"updated_at":"2024-01-02T03:04:06Z"}
            """;
        EventAssert.Matches(Event("c", null, inserted, Streamed("members")), events[0].Value);
        EventAssert.Matches(Event("u", inserted, updated, Streamed("members")), events[1].Value);
        EventAssert.Matches(Event("d", updated, null, Streamed("members")), events[2].Value);
        Assert.Null(events[3].Value);
    }
}

/// <summary>With <see cref="MessageKeyColumns.Setting"/> empty, ticket events keep Debezium's default key: the primary key.</summary>
public sealed class PrimaryKeyEventTests(PrimaryKeyCaptureFixture capture) : IClassFixture<PrimaryKeyCaptureFixture>
{
    [Fact]
    public Task Ticket_insert_refund_and_delete_are_c_u_d_events_and_a_tombstone_keyed_by_ticket_id() =>
        GoldenEventTests.AssertTicketEventsKeyedByAsync(capture, """{"ticket_id":5000000001}""");
}
