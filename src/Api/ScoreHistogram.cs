namespace Insights.Api;

/// <summary>
/// The answer of `GET /movies/{id}/histogram`: how many audience members fall in each bin of a log scale of
/// probability (<see cref="ScoreBins"/>). Members is the audience's size, the sum of the counts.
/// </summary>
public sealed record ScoreHistogram(int MovieId, int Members, IReadOnlyList<HistogramBin> Bins)
{
    public static ScoreHistogram Of(int movieId, int bins, IEnumerable<double> scores)
    {
        var edges = ScoreBins.Edges(bins);
        var counts = new int[bins];
        var members = 0;
        foreach (var score in scores)
        {
            counts[ScoreBins.IndexOf(edges, score)]++;
            members++;
        }
        return Counted(movieId, edges, counts);
    }

    /// <summary>The histogram of counts already taken per bin of <paramref name="edges"/> (as a store's aggregation answers).</summary>
    public static ScoreHistogram Counted(int movieId, IReadOnlyList<double> edges, IReadOnlyList<int> counts) =>
        new(movieId, counts.Sum(),
            counts.Select((count, i) => new HistogramBin(edges[i], edges[i + 1], count)).ToList());
}

/// <summary>Members whose score is in [From, To) (the last bin includes 1).</summary>
public sealed record HistogramBin(double From, double To, int Count);
