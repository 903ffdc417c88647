using Confluent.Kafka;
using Insights.Contracts.Cinema;
using Insights.Evaluation.Data;
using Insights.Evaluation.Training;
using Insights.Propensity.Catalog;
using Insights.Propensity.Members;
using Insights.Propensity.Scoring;

namespace Insights.Processors.Tests;

/// <summary>
/// A small cinema for parity tests: eight showing movies (one session each, id = movie x 10), six members with
/// demographics and a given number of attendances (sixty by default) in time order from a fixed seed, plus the evaluation's in-process replay of it.
/// </summary>
public static class SyntheticCinema
{
    public static readonly DateTime Start = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    public static readonly (int Movie, string Genres)[] Movies =
        [(1, "action,thriller"), (2, "comedy"), (3, "comedy,romance"), (4, "drama"), (5, "action,sci_fi"), (6, "animation,children"), (7, "horror"), (8, "drama,war")];
    public static readonly (int Member, int BirthYear, string Gender)[] Members =
        [(1, 1990, "F"), (2, 1975, "M"), (3, 2001, "F"), (4, 1960, "M"), (5, 1988, "X"), (6, 1995, "F")];

    public static List<Attendance> Attendances(int count = 60) => Attendances(count, Movies, Members);

    public static List<Attendance> Attendances(int count, (int Movie, string Genres)[] movies, (int Member, int BirthYear, string Gender)[] members)
    {
        var random = new Random(20260101);
        var start = new DateTimeOffset(Start).ToUnixTimeSeconds();
        return Enumerable.Range(0, count)
            .Select(i => new Attendance(members[random.Next(members.Length)].Member, movies[random.Next(movies.Length)].Movie, start + i * 600 + random.Next(300)))
            .ToList();
    }

    /// <summary>A bigger cinema of the same shape: movie and member ids from 1, genres and demographics drawn from the small one's.</summary>
    public static ((int Movie, string Genres)[] Movies, (int Member, int BirthYear, string Gender)[] Members) Scaled(int movies, int members) =>
        (Enumerable.Range(1, movies).Select(m => (m, Movies[(m - 1) % Movies.Length].Genres)).ToArray(),
         Enumerable.Range(1, members).Select(m => (m, Members[(m - 1) % Members.Length].BirthYear, Members[(m - 1) % Members.Length].Gender)).ToArray());

    /// <summary>The catalog and member changes, then one ticket per attendance (ticket id = position + 1).</summary>
    /// <summary>Produces the cinema's rows and tickets to partition 0 of each CDC table topic: one partition per table keeps the order the replay uses.</summary>
    public static Task ProduceAsync(IProducer<byte[], byte[]> producer, CinemaChanges changes, IReadOnlyList<Attendance> attendances, CancellationToken ct) =>
        CinemaChanges.ProduceAsync(producer, Changes(changes, attendances), ct);

    public static IEnumerable<(string Table, (byte[] Key, byte[] Value) Change)> Changes(CinemaChanges changes, IReadOnlyList<Attendance> attendances) =>
        Changes(changes, attendances, Movies, Members);

    public static IEnumerable<(string Table, (byte[] Key, byte[] Value) Change)> Changes(CinemaChanges changes, IReadOnlyList<Attendance> attendances,
        (int Movie, string Genres)[] movies, (int Member, int BirthYear, string Gender)[] members)
    {
        foreach (var (movie, genres) in movies)
        {
            yield return ("movies", changes.Movie(movie, genres, "now_showing", Start.AddDays(-60)));
            yield return ("sessions", changes.Session(movie * 10, movie));
        }
        foreach (var (member, year, gender) in members) yield return ("members", changes.Member(member, year, gender));
        for (var i = 0; i < attendances.Count; i++)
        {
            var a = attendances[i];
            yield return ("tickets", changes.Ticket(i + 1, a.MemberId, a.MovieId * 10, DateTimeOffset.FromUnixTimeSeconds(a.AtSeconds).UtcDateTime));
        }
    }

    /// <summary>Each member's expected scores from the evaluation's replay: (movie, probability rounded as on the topic, seen).</summary>
    public static Dictionary<int, List<(int MovieId, double Score, bool Seen)>> ExpectedScores(IReadOnlyList<Attendance> attendances, PropensityModel model) =>
        ExpectedScores(attendances, model, Movies, Members);

    public static Dictionary<int, List<(int MovieId, double Score, bool Seen)>> ExpectedScores(IReadOnlyList<Attendance> attendances, PropensityModel model,
        (int Movie, string Genres)[] movies, (int Member, int BirthYear, string Gender)[] members)
    {
        var catalog = new MovieCatalog(CinemaGenres.All);
        var release = DateOnly.FromDateTime(new DateTime(2025, 6, 1)).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        foreach (var (movie, genres) in movies)
        {
            uint bits = 0;
            foreach (var genre in genres.Split(',')) bits |= 1u << CinemaGenres.All.ToList().IndexOf(genre);
            catalog.Upsert(new Movie(movie, bits, release, MovieStatus.NowShowing));
        }
        var cells = members.ToDictionary(m => m.Member, m => AudienceCell.Of(m.Gender[0], 2026 - m.BirthYear));
        var replay = new StreamingReplay(new Dataset("synthetic", catalog, cells, attendances), model.Settings);
        replay.ApplyAll(attendances);
        var scorer = new PropensityScorer(model, catalog);
        var candidates = movies.Select(m => m.Movie).Order().ToArray();
        var expected = new Dictionary<int, List<(int, double, bool)>>();
        foreach (var (memberId, _, _) in members)
        {
            var member = replay.MemberOf(memberId);
            var scores = new CandidateScore[candidates.Length];
            scorer.Score(member, candidates, replay.Collective, member.LastAt ?? 0, scores);
            expected[memberId] = scores.Select(s => (s.MovieId, Math.Round(s.Probability, 6), s.AlreadySeen)).OrderBy(s => s.Item1).ToList();
        }
        return expected;
    }
}
