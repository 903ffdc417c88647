using Insights.Contracts.Cinema;
using Insights.Evaluation.Data;
using Insights.Evaluation.Training;
using Insights.Processors;
using Insights.Propensity.Catalog;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;
using MySqlConnector;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// What MariaDB committed, read back at the end of a chaos run: the source of truth, not what the load tried to insert
/// (a sale in flight when the server stopped may or may not be there). Movies with their final status, members' audience
/// cells, and every purchased ticket as an attendance in ticket-id order, which is commit order: the seed and the replay
/// insert tickets in id order, one transaction after another, and the capture sends a member's tickets in that order.
/// </summary>
public sealed class CommittedCinema
{
    private CommittedCinema(Dataset dataset, IReadOnlyList<int> candidates)
    {
        Dataset = dataset;
        Candidates = candidates;
    }

    public Dataset Dataset { get; }

    /// <summary>The movies a score update carries: now showing and coming soon, by id.</summary>
    public IReadOnlyList<int> Candidates { get; }

    public IReadOnlyList<Attendance> Attendances => Dataset.Attendances;

    /// <summary>Purchased tickets per movie: what each movie's published count must be.</summary>
    public Dictionary<int, int> TicketsPerMovie() => Attendances.GroupBy(a => a.MovieId).ToDictionary(g => g.Key, g => g.Count());

    public static async Task<CommittedCinema> ReadAsync(string connectionString, CancellationToken ct)
    {
        await using var db = new MySqlConnection(connectionString);
        await db.OpenAsync(ct);
        var catalog = new MovieCatalog(CinemaGenres.All);
        var candidates = new List<int>();
        await foreach (var row in RowsAsync(db, "SELECT movie_id, genres, release_date, status FROM movies ORDER BY movie_id", ct))
        {
            var status = row.GetString(3) switch
            {
                MovieRow.NowShowing => MovieStatus.NowShowing,
                MovieRow.ComingSoon => MovieStatus.ComingSoon,
                _ => MovieStatus.Archived,
            };
            int? releaseDay = row.IsDBNull(2) ? null : DateOnly.FromDateTime(row.GetDateTime(2)).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
            catalog.Upsert(new Movie(row.GetInt32(0), GenreBits(row.GetString(1)), releaseDay, status));
            if (status != MovieStatus.Archived) candidates.Add(row.GetInt32(0));
        }
        // The processors take a member's age in the year of the member's change event: the capture's snapshot or
        // stream of rows written by this run's seed, so this year.
        var eventYear = DateTime.UtcNow.Year;
        var cells = new Dictionary<int, byte>();
        await foreach (var row in RowsAsync(db, "SELECT member_id, birth_year, gender FROM members", ct))
        {
            int? birthYear = row.IsDBNull(1) ? null : row.GetInt32(1);
            var gender = row.IsDBNull(2) ? null : row.GetString(2);
            int? age = birthYear is { } year && year <= eventYear ? eventYear - year : null;
            cells[row.GetInt32(0)] = AudienceCell.Of(gender is { Length: > 0 } ? gender[0] : '?', age);
        }
        var attendances = new List<Attendance>();
        const string tickets = "SELECT t.member_id, s.movie_id, t.purchased_at FROM tickets t JOIN sessions s ON s.session_id = t.session_id " +
            "WHERE t.status = 'purchased' ORDER BY t.ticket_id";
        await foreach (var row in RowsAsync(db, tickets, ct))
            attendances.Add(new Attendance(row.GetInt32(0), row.GetInt32(1),
                new DateTimeOffset(DateTime.SpecifyKind(row.GetDateTime(2), DateTimeKind.Utc)).ToUnixTimeSeconds()));
        return new CommittedCinema(new Dataset("committed", catalog, cells, attendances), candidates);
    }

    /// <summary>
    /// Each member's final scores as the evaluation's in-process replay computes them (<see cref="StreamingReplay"/> with
    /// exact neighbour lists, then <see cref="PropensityScorer"/> at the member's last attendance), for every member with
    /// at least one ticket. Members without a ticket are scored by the workers at their row's commit time, which the
    /// database does not keep to the millisecond, so they are left out.
    /// </summary>
    public Dictionary<long, IReadOnlyList<MovieScoreValue>> ExpectedScores(PropensityModel model)
    {
        var replay = new StreamingReplay(Dataset, model.Settings);
        replay.ApplyAll(Attendances);
        var scorer = new PropensityScorer(model, Dataset.Catalog);
        var candidates = Candidates.Order().ToArray();
        var expected = new Dictionary<long, IReadOnlyList<MovieScoreValue>>();
        var scores = new CandidateScore[candidates.Length];
        foreach (var memberId in Attendances.Select(a => a.MemberId).Distinct())
        {
            var member = replay.MemberOf(memberId);
            scorer.Score(member, candidates, replay.Collective, member.LastAt ?? 0, scores);
            expected[memberId] = scores.Select(s => new MovieScoreValue(s.MovieId, Math.Round((double)s.Probability, 6), s.AlreadySeen)).OrderBy(s => s.MovieId).ToList();
        }
        return expected;
    }

    private static uint GenreBits(string genres)
    {
        uint bits = 0;
        foreach (var genre in genres.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var index = CinemaGenres.All.ToList().FindIndex(g => string.Equals(g, genre, StringComparison.OrdinalIgnoreCase));
            if (index < 0) throw new InvalidDataException($"movie genre '{genre}' is not one of the schema's");
            bits |= 1u << index;
        }
        return bits;
    }

    private static async IAsyncEnumerable<MySqlDataReader> RowsAsync(MySqlConnection db, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new MySqlCommand(sql, db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return reader;
    }
}

/// <summary>One movie's score for a member as compared: the probability (6 decimals, as published) and whether the member saw it.</summary>
public readonly record struct MovieScoreValue(int MovieId, double Score, bool Seen);
