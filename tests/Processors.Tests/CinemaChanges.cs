using System.Text;
using Confluent.Kafka;
using Insights.Contracts.Debezium;

namespace Insights.Processors.Tests;

/// <summary>
/// Debezium change events for the four cinema tables, written by the Contracts' <see cref="ChangeEventWriter"/>
/// (the same bytes the capture produces). Each event gets the next binlog position, so positions are ordered.
/// </summary>
public sealed class CinemaChanges
{
    private long position = 4;

    public (byte[] Key, byte[] Value) Ticket(long ticketId, int memberId, int sessionId, DateTime purchasedAt, string status = "purchased", ChangeOperation op = ChangeOperation.Create)
    {
        // Keyed by member, as connect/ and the capture key tickets (message.key.columns cinema.tickets:member_id).
        return Change("tickets", [new("member_id", (long)memberId)], op, TicketRow(ticketId, memberId, sessionId, purchasedAt, status), purchasedAt);
    }

    /// <summary>
    /// A ticket moved to another member (a transfer) or session (an exchange), as Debezium writes it with tickets keyed by
    /// member: an exchange is one update under the member's key; a transfer changes the key, so it is a delete under the
    /// old member's key and a create under the new one's.
    /// </summary>
    public IReadOnlyList<(byte[] Key, byte[] Value)> TicketMoved(long ticketId, (int Member, int Session) from, (int Member, int Session) to, DateTime purchasedAt)
    {
        if (from.Member == to.Member)
            return [Change("tickets", [new("member_id", (long)to.Member)], ChangeOperation.Update, TicketRow(ticketId, to.Member, to.Session, purchasedAt), purchasedAt,
                TicketRow(ticketId, from.Member, from.Session, purchasedAt))];
        return
        [
            Change("tickets", [new("member_id", (long)from.Member)], ChangeOperation.Delete, TicketRow(ticketId, from.Member, from.Session, purchasedAt), purchasedAt),
            Change("tickets", [new("member_id", (long)to.Member)], ChangeOperation.Create, TicketRow(ticketId, to.Member, to.Session, purchasedAt), purchasedAt),
        ];
    }

    /// <summary>The same move as a ticket-keyed source writes it (keyed by the primary key): one update, whatever changed.</summary>
    public (byte[] Key, byte[] Value) TicketMovedKeyedByTicket(long ticketId, (int Member, int Session) from, (int Member, int Session) to, DateTime purchasedAt) =>
        Change("tickets", [new("ticket_id", ticketId)], ChangeOperation.Update, TicketRow(ticketId, to.Member, to.Session, purchasedAt), purchasedAt,
            TicketRow(ticketId, from.Member, from.Session, purchasedAt));

    private static ColumnValue[] TicketRow(long ticketId, int memberId, int sessionId, DateTime purchasedAt, string status = "purchased") =>
    [
        new("ticket_id", ticketId), new("member_id", (long)memberId), new("session_id", (long)sessionId),
        new("purchased_at", DebeziumEncoding.DateTimeMillis(purchasedAt)), new("quantity", 1L),
        new("price", DebeziumEncoding.DecimalPrecise(12.50m, 2)), new("status", status),
        new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(purchasedAt, TimeSpan.Zero))),
    ];

    public static readonly DateTime SessionStart = new(2026, 1, 1, 20, 0, 0, DateTimeKind.Utc);

    /// <summary>A session change committed at its showtime (<see cref="SessionStart"/> unless given).</summary>
    public (byte[] Key, byte[] Value) Session(int sessionId, int movieId, ChangeOperation op = ChangeOperation.Create, DateTime? startsAt = null) =>
        Session(sessionId, movieId, startsAt ?? SessionStart, startsAt ?? SessionStart, op);

    public (byte[] Key, byte[] Value) Session(int sessionId, int movieId, DateTime startsAt, DateTime changedAt, ChangeOperation op = ChangeOperation.Create)
    {
        ColumnValue[] row =
        [
            new("session_id", (long)sessionId), new("movie_id", (long)movieId), new("cinema_id", 1L),
            new("starts_at", DebeziumEncoding.DateTimeMillis(startsAt)), new("format", "2d"),
        ];
        return Change("sessions", [new("session_id", (long)sessionId)], op, row, changedAt);
    }

    public (byte[] Key, byte[] Value) Movie(int movieId, string genres, string status, DateTime changedAt, ChangeOperation op = ChangeOperation.Create) =>
        Movie(movieId, genres, status, changedAt, new DateOnly(2025, 6, 1), op);

    public (byte[] Key, byte[] Value) Movie(int movieId, string genres, string status, DateTime changedAt, DateOnly? releaseDate, ChangeOperation op = ChangeOperation.Create)
    {
        ColumnValue[] row =
        [
            new("movie_id", (long)movieId), new("title", $"Movie {movieId}"), new("genres", genres),
            new("release_date", releaseDate is { } date ? (long)DebeziumEncoding.Date(date) : null), new("certificate", "PG"),
            new("runtime_minutes", 120L), new("status", status),
            new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(changedAt, TimeSpan.Zero))),
        ];
        return Change("movies", [new("movie_id", (long)movieId)], op, row, changedAt);
    }

    public (byte[] Key, byte[] Value) Member(int memberId, int? birthYear, string? gender, ChangeOperation op = ChangeOperation.Create)
    {
        var joined = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        ColumnValue[] row =
        [
            new("member_id", (long)memberId), new("name", "Test Member"), new("email", $"m{memberId}@example.invalid"),
            new("postcode", "X1 1XX"), new("birth_year", birthYear is { } y ? (long)y : null), new("gender", gender),
            new("occupation", null), new("joined_at", DebeziumEncoding.DateTimeMillis(joined)),
            new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))),
        ];
        return Change("members", [new("member_id", (long)memberId)], op, row, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    private (byte[] Key, byte[] Value) Change(string table, ColumnValue[] key, ChangeOperation op, ColumnValue[] row, DateTime at, ColumnValue[]? beforeImage = null)
    {
        var tsMs = DebeziumEncoding.DateTimeMillis(at);
        var source = new SourceInfo
        {
            Version = "3.0.0.Final", Connector = "mariadb", Name = "cdc", Db = "cinema", Table = table, TsMs = tsMs,
            ServerId = 1, File = "binlog.000001", Pos = position++, Row = 0, Gtid = $"0-1-{position}",
        };
        var before = op == ChangeOperation.Delete ? row : beforeImage;
        var after = op == ChangeOperation.Delete ? null : row;
        return (ChangeEventWriter.Key(key), ChangeEventWriter.Value(op, before, after, source, tsMs * 1000));
    }

    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    /// <summary>
    /// The partition a test puts a change in: a member-keyed change (a member row, a ticket) in member mod partitions, as
    /// the tests put tickets, so a member's events share a partition as one producer's partitioner keeps them; others in 0.
    /// </summary>
    public static int PartitionOf((byte[] Key, byte[] Value) change, int partitions)
    {
        using var key = System.Text.Json.JsonDocument.Parse(change.Key);
        return key.RootElement.TryGetProperty("member_id", out var member) ? (int)(member.GetInt64() % partitions) : 0;
    }

    /// <summary>Produces each change to partition 0 of its table's CDC topic, in order: one partition per table keeps the order a replay uses.</summary>
    public static async Task ProduceAsync(IProducer<byte[], byte[]> producer, IEnumerable<(string Table, (byte[] Key, byte[] Value) Change)> changes, CancellationToken ct)
    {
        foreach (var (table, change) in changes)
            await producer.ProduceAsync(new TopicPartition($"cdc.cinema.{table}", 0), new Message<byte[], byte[]> { Key = change.Key, Value = change.Value }, ct);
    }
}
