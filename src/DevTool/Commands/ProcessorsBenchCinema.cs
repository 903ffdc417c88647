using Insights.Contracts.Cinema;
using Insights.Contracts.Debezium;
using Insights.DevTool.Demo;
using Insights.Evaluation.Data;
using Insights.Processors;
using Insights.Propensity.Catalog;
using Insights.Propensity.Members;

namespace Insights.DevTool.Commands;

/// <summary>
/// The synthetic cinema the processors benches load: movies, one session each, members with demographics and
/// tickets from a fixed seed, as Debezium change events (the capture's exact bytes, tickets keyed by member as the
/// capture keys them) and as the evaluation's dataset for the baselines. Names and emails are fixed placeholders
/// (the member table requires them); the processors drop them at parse time.
/// <para>
/// Binlog positions follow the order a database that already held the catalog and the members would have written
/// them: every movie, session and member row comes before the first ticket, and tickets have strictly increasing
/// positions in ticket order. A score's source position is the newest position of its member's events, so a score
/// reflects a ticket exactly when its position is at least the ticket's.
/// </para>
/// </summary>
internal sealed class ProcessorsBenchCinema
{
    public static readonly DateTime Start = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Genres = ["action,thriller", "comedy", "comedy,romance", "drama", "action,sci_fi", "animation,children", "horror", "drama,war"];

    /// <summary>Where a fresh binlog's first event sits.</summary>
    private const long FirstPosition = 4;

    private long laterPosition;

    private ProcessorsBenchCinema(BenchMovie[] movies, BenchMember[] members, List<Attendance> attendances)
    {
        Movies = movies;
        Members = members;
        Attendances = attendances;
        laterPosition = FirstTicketPosition + attendances.Count;
    }

    /// <summary>
    /// Every movie now showing, members uniformly likely to buy any ticket, any movie equally likely: the workload of
    /// the in-process bench and the soak.
    /// </summary>
    public ProcessorsBenchCinema(int movies, int members, int tickets) : this(Uniform(movies, members, tickets)) { }

    private ProcessorsBenchCinema((BenchMovie[] Movies, BenchMember[] Members, List<Attendance> Attendances) world)
        : this(world.Movies, world.Members, world.Attendances) { }

    private static (BenchMovie[], BenchMember[], List<Attendance>) Uniform(int movies, int members, int tickets)
    {
        var random = new Random(20261124);
        var movieRows = Enumerable.Range(1, movies).Select(m => new BenchMovie(m, Genres[(m - 1) % Genres.Length], MovieRow.NowShowing)).ToArray();
        var memberRows = Enumerable.Range(1, members).Select(m => new BenchMember(m, 1950 + random.Next(55), random.Next(2) == 0 ? "F" : "M")).ToArray();
        var start = new DateTimeOffset(Start).ToUnixTimeSeconds();
        var attendances = Enumerable.Range(0, tickets)
            .Select(i => new Attendance(1 + random.Next(members), 1 + random.Next(movies), start + i * 60 + random.Next(30))).ToList();
        return (movieRows, memberRows, attendances);
    }

    /// <summary>
    /// A cinema chain's history. Movies open one after another, <see cref="ReleaseSpacingDays"/> apart, and each runs
    /// <see cref="RunDays"/> days, so about 25 are on screen at any time. A movie's popularity weight follows Zipf's law
    /// (1 / rank^<paramref name="exponent"/>, ranks shuffled over the movies), and a ticket picks among the movies on screen
    /// at its time in proportion to their weights. Members' buying rates are exponentially distributed (most buy once or
    /// twice, a few often). Tickets are spread evenly over the history in purchase order, so each member's events are in
    /// time order. The listing at the end is a multiplex's (<see cref="CatalogSize.Cinema"/>, as the demo's): the 20 most
    /// popular movies still on screen are now showing, the next 10 to open are coming soon (no tickets yet), every other
    /// movie is archived; every score update then carries 30 candidates, whatever the catalog's size.
    /// </summary>
    public static ProcessorsBenchCinema Zipf(int movies, int members, int tickets, double exponent)
    {
        var random = new Random(20261203);
        var comingSoon = Math.Min(CatalogSize.Cinema.ComingSoon, movies / 10);
        var opened = movies - comingSoon;
        // Movie ids in opening order; popularity ranks shuffled over them, so a movie's id says nothing of its success.
        var weight = new double[movies + 1];
        var ranks = Enumerable.Range(1, opened).ToArray();
        random.Shuffle(ranks);
        for (var m = 1; m <= opened; m++) weight[m] = 1 / Math.Pow(ranks[m - 1], exponent);
        var historyDays = opened * ReleaseSpacingDays;
        double Opens(int movie) => (movie - 1) * ReleaseSpacingDays;

        var memberRows = Enumerable.Range(1, members).Select(m => new BenchMember(m, 1950 + random.Next(55), random.Next(2) == 0 ? "F" : "M")).ToArray();
        var buyingRate = Cumulative(Enumerable.Range(0, members).Select(_ => -Math.Log(1 - random.NextDouble())));
        var start = new DateTimeOffset(Start).ToUnixTimeSeconds();
        var attendances = new List<Attendance>(tickets);
        int first = 1, last = 1; // the movies on screen: ids first..last-1
        var onScreen = new List<double>();
        for (var i = 0; i < tickets; i++)
        {
            var day = historyDays * (i + 0.5) / tickets;
            while (last <= opened && Opens(last) <= day) last++;
            while (first < last - 1 && Opens(first) + RunDays <= day) first++;
            onScreen.Clear();
            for (var m = first; m < last; m++) onScreen.Add(weight[m] + (onScreen.Count > 0 ? onScreen[^1] : 0));
            var movie = first + Draw([.. onScreen], random);
            attendances.Add(new Attendance(1 + Draw(buyingRate, random), movie, start + (long)(day * 86_400)));
        }
        var endDay = historyDays;
        var stillShowing = Enumerable.Range(1, opened).Where(m => Opens(m) + RunDays > endDay).OrderByDescending(m => weight[m])
            .Take(CatalogSize.Cinema.NowShowing).ToHashSet();
        var movieRows = Enumerable.Range(1, movies).Select(m => new BenchMovie(m, Genres[random.Next(Genres.Length)],
            m > opened ? MovieRow.ComingSoon : stillShowing.Contains(m) ? MovieRow.NowShowing : MovieRow.Archived)).ToArray();
        return new ProcessorsBenchCinema(movieRows, memberRows, attendances);
    }

    /// <summary>How long a movie stays on screen: six weeks.</summary>
    public const double RunDays = 42;

    /// <summary>Days between two openings: with <see cref="RunDays"/>, about 25 movies on screen at once, a multiplex's listing.</summary>
    public const double ReleaseSpacingDays = RunDays / 25;

    private static double[] Cumulative(IEnumerable<double> weights)
    {
        var sums = weights.ToArray();
        for (var i = 1; i < sums.Length; i++) sums[i] += sums[i - 1];
        return sums;
    }

    /// <summary>An index drawn with probability proportional to its weight (<paramref name="cumulative"/> holds the running sums).</summary>
    private static int Draw(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    public BenchMovie[] Movies { get; }
    public BenchMember[] Members { get; }

    /// <summary>Every ticket, in purchase order (ticket i has ticket id i + 1 and is bought for session = movie).</summary>
    public List<Attendance> Attendances { get; }

    /// <summary>The movies a score update carries: now showing and coming soon.</summary>
    public int[] Candidates => Movies.Where(m => m.Status != MovieRow.Archived).Select(m => m.Id).ToArray();

    private long FirstTicketPosition => FirstPosition + 2L * Movies.Length + Members.Length;

    /// <summary>The binlog position of ticket i: a score reflecting the ticket carries at least this position.</summary>
    public long TicketPosition(int i) => FirstTicketPosition + i;

    /// <summary>The evaluation's dataset of the same cinema: the baselines replay it without Kafka.</summary>
    public Dataset Dataset()
    {
        var catalog = new MovieCatalog(CinemaGenres.All);
        foreach (var movie in Movies)
            catalog.Upsert(new Movie(movie.Id, GenreBits(movie.Genres), null, movie.Status switch
            {
                MovieRow.NowShowing => MovieStatus.NowShowing,
                MovieRow.ComingSoon => MovieStatus.ComingSoon,
                _ => MovieStatus.Archived,
            }));
        return new Dataset("bench", catalog, Members.ToDictionary(m => m.Id, m => AudienceCell.Of(m.Gender[0], 2026 - m.BirthYear)), Attendances);
    }

    public static uint GenreBits(string genres)
    {
        uint bits = 0;
        foreach (var genre in genres.Split(',')) bits |= 1u << CinemaGenres.All.ToList().IndexOf(genre);
        return bits;
    }

    /// <summary>The rows a database holds before the first ticket: every movie, its session, every member, in position order.</summary>
    public IEnumerable<CinemaEvent> ReferenceEvents()
    {
        var position = FirstPosition;
        var catalogAt = Start.AddDays(-30);
        foreach (var movie in Movies) yield return MovieEvent(movie.Id, movie.Genres, movie.Status, catalogAt, position++);
        foreach (var movie in Movies)
            yield return Event(CinemaTables.Sessions, movie.Id, [new("session_id", (long)movie.Id)], [
                new("session_id", (long)movie.Id), new("movie_id", (long)movie.Id), new("cinema_id", 1L),
                new("starts_at", DebeziumEncoding.DateTimeMillis(Start)), new("format", "2d"),
            ], Start, position++);
        foreach (var member in Members)
            yield return Event(CinemaTables.Members, member.Id, [new("member_id", (long)member.Id)], [
                new("member_id", (long)member.Id), new("name", "Bench Member"), new("email", $"member{member.Id}@example.invalid"), new("postcode", null),
                new("birth_year", (long)member.BirthYear), new("gender", member.Gender), new("occupation", null),
                new("joined_at", DebeziumEncoding.DateTimeMillis(Start)), new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(Start, TimeSpan.Zero))),
            ], Start, position++);
    }

    /// <summary>A change to a movie made after the whole ticket history (a new movie, a status change): its position is after every ticket's.</summary>
    public CinemaEvent Movie(int movieId, string genres, string status, DateTime changedAt) => MovieEvent(movieId, genres, status, changedAt, laterPosition++);

    /// <summary>The ticket of attendance i (ticket id i + 1, session = movie), keyed by member as the capture keys tickets.</summary>
    public CinemaEvent Ticket(int i)
    {
        var a = Attendances[i];
        var at = DateTimeOffset.FromUnixTimeSeconds(a.AtSeconds).UtcDateTime;
        return Event(CinemaTables.Tickets, a.MemberId, [new("member_id", (long)a.MemberId)], [
            new("ticket_id", (long)(i + 1)), new("member_id", (long)a.MemberId), new("session_id", (long)a.MovieId),
            new("purchased_at", DebeziumEncoding.DateTimeMillis(at)), new("quantity", 1L),
            new("price", DebeziumEncoding.DecimalPrecise(12.50m, 2)), new("status", "purchased"),
            new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(at, TimeSpan.Zero))),
        ], at, TicketPosition(i));
    }

    private static CinemaEvent MovieEvent(int movieId, string genres, string status, DateTime changedAt, long position) =>
        Event(CinemaTables.Movies, movieId, [new("movie_id", (long)movieId)], [
            new("movie_id", (long)movieId), new("title", $"Movie {movieId}"), new("genres", genres), new("release_date", null),
            new("certificate", "PG"), new("runtime_minutes", 120L), new("status", status),
            new("updated_at", DebeziumEncoding.Timestamp(new DateTimeOffset(changedAt, TimeSpan.Zero))),
        ], changedAt, position);

    private static CinemaEvent Event(string table, int keyId, ColumnValue[] key, ColumnValue[] row, DateTime at, long position)
    {
        var tsMs = DebeziumEncoding.DateTimeMillis(at);
        var source = new SourceInfo
        {
            Version = "3.0.0.Final", Connector = "mariadb", Name = "cdc", Db = "cinema", Table = table, TsMs = tsMs,
            ServerId = 1, File = "binlog.000001", Pos = position, Row = 0,
        };
        return new CinemaEvent(table, keyId, ChangeEventWriter.Key(key), ChangeEventWriter.Value(ChangeOperation.Create, null, row, source, tsMs * 1000), position);
    }
}

internal sealed record BenchMovie(int Id, string Genres, string Status);

internal sealed record BenchMember(int Id, int BirthYear, string Gender);

/// <summary>
/// One Debezium change event of the bench cinema: its table, the id its key holds (the member for tickets), the record's
/// key and value, and its binlog position.
/// </summary>
internal sealed record CinemaEvent(string Table, int KeyId, byte[] Key, byte[] Value, long Position)
{
    /// <summary>The partition a keyed producer puts it on: by key id, one partition for the movies topic (as the manifest has it).</summary>
    public int Partition(int partitions) => Table == CinemaTables.Movies ? 0 : KeyId % partitions;

    public string Topic(string prefix = CinemaTables.DefaultTopicPrefix) => CinemaTables.Topic(Table, prefix);

    /// <summary>Produces the event to its topic and <see cref="Partition"/>; returns the partition.</summary>
    public int ProduceTo(Confluent.Kafka.IProducer<byte[], byte[]> producer, int partitions)
    {
        var partition = Partition(partitions);
        producer.Produce(new Confluent.Kafka.TopicPartition(Topic(), partition), new Confluent.Kafka.Message<byte[], byte[]> { Key = Key, Value = Value });
        return partition;
    }
}
