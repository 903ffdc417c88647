using Insights.Contracts.Debezium;
using Insights.Evaluation.Data;
using Insights.Processors;
using Insights.Propensity.Catalog;
using Insights.Propensity.Members;

namespace Insights.Host.Commands;

/// <summary>
/// The synthetic cinema `insights bench processors` loads: movies, one session each, members with demographics
/// and tickets from a fixed seed, as Debezium change events (the capture's exact bytes) and as the evaluation's
/// dataset for the baseline. Names and emails are fixed placeholders (the member table requires them); the
/// processors drop them at parse time.
/// </summary>
internal sealed class ProcessorsBenchCinema
{
    public static readonly DateTime Start = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Genres = ["action,thriller", "comedy", "comedy,romance", "drama", "action,sci_fi", "animation,children", "horror", "drama,war"];
    private long position = 4;

    public ProcessorsBenchCinema(int movies, int members, int tickets)
    {
        var random = new Random(20261124);
        Movies = Enumerable.Range(1, movies).Select(m => (m, Genres[(m - 1) % Genres.Length])).ToArray();
        Members = Enumerable.Range(1, members).Select(m => (m, 1950 + random.Next(55), random.Next(2) == 0 ? "F" : "M")).ToArray();
        var start = new DateTimeOffset(Start).ToUnixTimeSeconds();
        Attendances = Enumerable.Range(0, tickets)
            .Select(i => new Attendance(1 + random.Next(members), 1 + random.Next(movies), start + i * 60 + random.Next(30))).ToList();
    }

    public (int Movie, string Genres)[] Movies { get; }
    public (int Member, int BirthYear, string Gender)[] Members { get; }
    public List<Attendance> Attendances { get; }

    /// <summary>The binlog position of the newest event made (each event gets the next one): the position a score reflecting it carries.</summary>
    public long LastPosition => position - 1;

    /// <summary>The evaluation's dataset of the same cinema: the baseline replays it without Kafka.</summary>
    public Dataset Dataset()
    {
        var catalog = new MovieCatalog(CinemaGenres.All);
        foreach (var (movie, genres) in Movies) catalog.Upsert(new Movie(movie, GenreBits(genres), null, MovieStatus.NowShowing));
        return new Dataset("bench", catalog, Members.ToDictionary(m => m.Member, m => AudienceCell.Of(m.Gender[0], 2026 - m.BirthYear)), Attendances);
    }

    public static uint GenreBits(string genres)
    {
        uint bits = 0;
        foreach (var genre in genres.Split(',')) bits |= 1u << CinemaGenres.All.ToList().IndexOf(genre);
        return bits;
    }

    public (byte[] Key, byte[] Value) Movie(int movieId, string genres, string status, DateTime changedAt) =>
        Change("movies", [new("movie_id", (long)movieId)], [
            new("movie_id", (long)movieId), new("title", $"Movie {movieId}"), new("genres", genres), new("release_date", null),
            new("certificate", "PG"), new("runtime_minutes", 120L), new("status", status),
            new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(changedAt, TimeSpan.Zero))),
        ], changedAt);

    public (byte[] Key, byte[] Value) Session(int movieId) =>
        Change("sessions", [new("session_id", (long)movieId)], [
            new("session_id", (long)movieId), new("movie_id", (long)movieId), new("cinema_id", 1L),
            new("starts_at", DebeziumEncoding.DateTimeMillis(Start)), new("format", "2d"),
        ], Start);

    public (byte[] Key, byte[] Value) Member(int memberId, int birthYear, string gender) =>
        Change("members", [new("member_id", (long)memberId)], [
            new("member_id", (long)memberId), new("name", "Bench Member"), new("email", $"member{memberId}@example.invalid"), new("postcode", null),
            new("birth_year", (long)birthYear), new("gender", gender), new("occupation", null),
            new("joined_at", DebeziumEncoding.DateTimeMillis(Start)), new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(Start, TimeSpan.Zero))),
        ], Start);

    /// <summary>The ticket of attendance i (ticket id i + 1, session = movie).</summary>
    public (byte[] Key, byte[] Value) Ticket(int i)
    {
        var a = Attendances[i];
        var at = DateTimeOffset.FromUnixTimeSeconds(a.AtSeconds).UtcDateTime;
        return Change("tickets", [new("ticket_id", (long)(i + 1))], [
            new("ticket_id", (long)(i + 1)), new("member_id", (long)a.MemberId), new("session_id", (long)a.MovieId),
            new("purchased_at", DebeziumEncoding.DateTimeMillis(at)), new("quantity", 1L),
            new("price", DebeziumEncoding.DecimalPrecise(12.50m, 2)), new("status", "purchased"),
            new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(at, TimeSpan.Zero))),
        ], at);
    }

    private (byte[] Key, byte[] Value) Change(string table, ColumnValue[] key, ColumnValue[] row, DateTime at)
    {
        var tsMs = DebeziumEncoding.DateTimeMillis(at);
        var source = new SourceInfo
        {
            Version = "3.0.0.Final", Connector = "mariadb", Name = "cdc", Db = "cinema", Table = table, TsMs = tsMs,
            ServerId = 1, File = "binlog.000001", Pos = position++, Row = 0,
        };
        return (ChangeEventWriter.Key(key), ChangeEventWriter.Value(ChangeOperation.Create, null, row, source, tsMs * 1000));
    }
}
