using Insights.Contracts.Scores;

namespace Insights.DevTool.Bench.Chaos;

/// <summary>
/// One place's final scores (the topic, a snapshot, Elasticsearch) against the replay: every expected member must be
/// there with the same movies and seen flags and every probability within <see cref="Tolerance"/>. Collective updates of
/// different members reach each worker in an interleaving of the partitions, so sums agree up to float rounding and
/// a comparison of rounded digits would fail at rounding boundaries.
/// </summary>
public sealed record ScoreComparison(string Place, int Compared, IReadOnlyList<string> Differences, double Largest)
{
    public const double Tolerance = 1e-5;

    public bool Equal => Differences.Count == 0;

    public static ScoreComparison Of(string place, IReadOnlyDictionary<long, IReadOnlyList<MovieScoreValue>> expected,
        Func<long, IReadOnlyList<MovieScore>?> actual)
    {
        var differences = new List<string>();
        var largest = 0.0;
        foreach (var (memberId, want) in expected)
        {
            if (actual(memberId) is not { } scores) { differences.Add($"member {memberId}: no scores"); continue; }
            var got = scores.OrderBy(s => s.MovieId).ToList();
            var pairs = want.Zip(got).ToList();
            largest = Math.Max(largest, pairs.Select(p => Math.Abs(p.First.Score - p.Second.Score)).DefaultIfEmpty().Max());
            var wrong = pairs.Where(p => p.First.MovieId != p.Second.MovieId || p.First.Seen != p.Second.Seen
                || Math.Abs(p.First.Score - p.Second.Score) > Tolerance).ToList();
            if (want.Count != got.Count)
                differences.Add($"member {memberId}: {got.Count} movies scored, the replay has {want.Count}");
            else if (wrong.Count > 0)
                differences.Add($"member {memberId}: " + string.Join(", ", wrong.Take(2).Select(p =>
                    $"movie {p.First.MovieId} replay {p.First.Score:0.000000}/{(p.First.Seen ? "seen" : "unseen")} vs {p.Second.MovieId}: {p.Second.Score:0.000000}/{(p.Second.Seen ? "seen" : "unseen")}")));
        }
        return new ScoreComparison(place, expected.Count, differences, largest);
    }

    public string Summary() => Equal
        ? $"{Place}: {Compared} members equal the replay (largest difference {Largest:0.0e0})"
        : $"{Place}: {Differences.Count} of {Compared} members differ from the replay, e.g. {string.Join("; ", Differences.Take(3))}";
}
