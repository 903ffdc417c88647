using System.Diagnostics;
using Confluent.Kafka;
using Insights.DevTool.Commands;
using Insights.Evaluation.Data;
using Insights.Evaluation.Training;
using Insights.Propensity.Scoring;
using Insights.TestSupport;

namespace Insights.DevTool.Bench;

/// <summary>
/// The final check of the benches that run worker processes over the synthetic cinema (soak, scale): every member's
/// scores on the topic equal the evaluation's replay of the same attendances (`StreamingReplay` + `PropensityScorer`)
/// within <see cref="Tolerance"/>, with the same movies and seen flags, and every movie's published attendance count
/// equals its tickets.
/// </summary>
internal static class ReplayCheck
{
    /// <summary>
    /// The workers apply other members' collective updates in an interleaving of the partitions, so sums agree up to
    /// float rounding: a comparison of rounded digits fails at rounding boundaries.
    /// </summary>
    public const double Tolerance = 1e-5;

    /// <summary>Each member's scores from the evaluation's replay: (movie, probability, seen), by movie.</summary>
    public static Dictionary<string, List<(int MovieId, double Score, bool Seen)>> ExpectedScores(ProcessorsBenchCinema cinema, PropensityModel model)
    {
        var dataset = cinema.Dataset();
        var replay = new StreamingReplay(dataset, model.Settings);
        replay.ApplyAll(cinema.Attendances);
        var scorer = new PropensityScorer(model, dataset.Catalog);
        var candidates = cinema.Candidates.Order().ToArray();
        var expected = new Dictionary<string, List<(int, double, bool)>>();
        foreach (var memberId in cinema.Attendances.Select(a => a.MemberId).Distinct())
        {
            var member = replay.MemberOf(memberId);
            var scores = new CandidateScore[candidates.Length];
            scorer.Score(member, candidates, replay.Collective, member.LastAt ?? 0, scores);
            expected[memberId.ToString()] = scores.Select(s => (s.MovieId, Math.Round((double)s.Probability, 6), s.AlreadySeen)).OrderBy(s => s.Item1).ToList();
        }
        return expected;
    }

    /// <summary>Members whose scores differ from the replay by more than <see cref="Tolerance"/> (or in movies or seen flags), and the largest difference seen.</summary>
    public static (List<string> Members, double Largest) Differences(Dictionary<string, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores)
    {
        var differences = new List<string>();
        var largest = 0.0;
        foreach (var (memberId, want) in expected)
        {
            if (!scores.Latest.TryGetValue(memberId, out var update)) { differences.Add($"member {memberId}: no scores"); continue; }
            var got = update.Scores.OrderBy(s => s.MovieId).ToList();
            var pairs = want.Zip(got).ToList();
            largest = Math.Max(largest, pairs.Select(p => Math.Abs(p.First.Score - p.Second.Score)).DefaultIfEmpty().Max());
            var wrong = pairs.Where(p => p.First.MovieId != p.Second.MovieId || p.First.Seen != p.Second.Seen
                || Math.Abs(p.First.Score - p.Second.Score) > Tolerance).ToList();
            if (want.Count != got.Count || wrong.Count > 0)
                differences.Add($"member {memberId}: " + string.Join(", ", wrong.Take(2).Select(p => $"movie {p.First.MovieId} {p.First.Score:0.000000}/{p.First.Seen} vs {p.Second.Score:0.000000}/{p.Second.Seen}")));
        }
        return (differences, largest);
    }

    /// <summary>
    /// The end of a run on the broker: the scores settle to the replay (<see cref="SettleAsync"/>), the broker trimmed no
    /// partition (checked first: a trimmed topic would otherwise show as wrong counts), and every movie's published count
    /// is its tickets; a failure throws <see cref="BenchFailure"/> naming it.
    /// </summary>
    public static async Task<(double Largest, TimeSpan Took)> VerifyAsync(BrokerProcess broker, IProducer<byte[], byte[]> producer, int partitions,
        ProcessorsBenchCinema cinema, Dictionary<string, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores,
        ApplicationProgress progress, TimeSpan deadline, CancellationToken ct)
    {
        var settled = await SettleAsync(producer, partitions, cinema, expected, scores, deadline, ct);
        var check = await broker.CheckAsync();
        if (!check.Succeeded) throw new BenchFailure($"the broker trimmed partitions (records lost):\n{check.Text}");
        var wrongCounts = CountDifferences(cinema.Attendances, progress.ProfileCounts());
        if (wrongCounts.Count > 0)
            throw new BenchFailure($"{wrongCounts.Count} movies' attendance counts differ from the tickets sold, e.g. {string.Join("; ", wrongCounts.Take(3))}");
        return settled;
    }

    /// <summary>Movies whose published count is not the number of tickets sold for them (a ticket lost or counted twice).</summary>
    public static List<string> CountDifferences(IEnumerable<Attendance> tickets, Dictionary<int, float> counts)
    {
        var sold = tickets.GroupBy(a => a.MovieId).ToDictionary(g => g.Key, g => g.Count());
        return sold.Where(s => counts.GetValueOrDefault(s.Key) != s.Value)
            .Select(s => $"movie {s.Key}: {counts.GetValueOrDefault(s.Key)} counted, {s.Value} sold").ToList();
    }

    /// <summary>
    /// Scores flushed during a load saw the collective state of their moment: a catalog change (movie 1 touched) rescores
    /// every member against the settled state. Each worker's global stores catch up on their own threads, so this touches
    /// again every 2 s until the scores equal the replay; after 90 s it fails naming members that differ. Returns the
    /// largest difference and how long it took.
    /// </summary>
    public static async Task<(double Largest, TimeSpan Took)> SettleAsync(IProducer<byte[], byte[]> producer, int partitions, ProcessorsBenchCinema cinema,
        Dictionary<string, List<(int MovieId, double Score, bool Seen)>> expected, ScoreWatch scores, TimeSpan deadline, CancellationToken ct)
    {
        var settle = Stopwatch.StartNew();
        for (var touch = 1; ; touch++)
        {
            cinema.Movie(1, cinema.Movies[0].Genres, "now_showing", ProcessorsBenchCinema.Start.AddDays(400 + touch)).ProduceTo(producer, partitions);
            producer.Flush(ct);
            // A member whose rescored content equals what it sent last sends nothing: wait for content, not versions.
            await Poll.UntilAsync(() => scores.Latest.Count == expected.Count && Differences(expected, scores).Members.Count == 0 || settle.Elapsed > TimeSpan.FromSeconds(30),
                () => $"every member rescored after catalog change {touch} ({scores.Latest.Count} of {expected.Count} members have scores)", deadline, ct,
                TimeSpan.FromMilliseconds(250));
            var (differences, largest) = Differences(expected, scores);
            if (differences.Count == 0) return (largest, settle.Elapsed);
            if (settle.Elapsed > TimeSpan.FromSeconds(90))
                throw new BenchFailure($"{differences.Count} of {expected.Count} members' scores differ from the replay, e.g. {string.Join("; ", differences.Take(3))}");
            await Task.Delay(2000, ct);
        }
    }
}
