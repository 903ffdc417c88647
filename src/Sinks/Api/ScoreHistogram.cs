namespace Insights.Sinks.Api;

/// <summary>The answer of `GET /movies/{id}/histogram`: how many audience members fall in each equal bin of 0..1.</summary>
public sealed record ScoreHistogram(int MovieId, int Members, IReadOnlyList<HistogramBin> Bins)
{
    public const int DefaultBins = 20;
    public const int MaxBins = 100;

    public static ScoreHistogram Of(int movieId, int bins, IEnumerable<double> scores)
    {
        if (bins is < 1 or > MaxBins) throw new ArgumentOutOfRangeException(nameof(bins), bins, $"bins must be 1..{MaxBins}");
        var counts = new int[bins];
        var members = 0;
        foreach (var score in scores)
        {
            // A score of exactly 1 belongs to the last bin, which is closed on the right.
            counts[Math.Clamp((int)(score * bins), 0, bins - 1)]++;
            members++;
        }
        return new ScoreHistogram(movieId, members,
            counts.Select((count, i) => new HistogramBin((double)i / bins, (double)(i + 1) / bins, count)).ToList());
    }
}

/// <summary>Members whose score is in [From, To) (the last bin includes 1).</summary>
public sealed record HistogramBin(double From, double To, int Count);
