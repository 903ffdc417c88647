namespace Insights.Api;

/// <summary>
/// The score histogram's bins: the first holds everything below <see cref="Floor"/> (0.01%: as good as never), the
/// others split <see cref="Floor"/>..1 evenly on a log scale of probability. A member's chance of seeing one movie is
/// mostly a fraction of a per cent, so equal bins of 0..1 put nearly everyone in the first bar; log bins give each
/// decade its own bars and stay comparable across movies and days. Quantile bins would not: every bar would hold the
/// same count, so their heights would show nothing. Edges are rounded to 3 significant digits, the same numbers
/// whichever store counts them.
/// </summary>
public static class ScoreBins
{
    public const int Default = 20;
    public const int Max = 100;
    public const double Floor = 1e-4;

    /// <summary>The <paramref name="bins"/> + 1 edges, from 0 to 1, strictly increasing.</summary>
    public static double[] Edges(int bins)
    {
        if (bins is < 1 or > Max) throw new ArgumentOutOfRangeException(nameof(bins), bins, $"bins must be 1..{Max}");
        if (bins == 1) return [0, 1];
        var edges = new double[bins + 1];
        var logBins = bins - 1;
        for (var i = 1; i < bins; i++)
            edges[i] = Round(Math.Pow(10, Math.Log10(Floor) * (1 - (double)(i - 1) / logBins)));
        edges[bins] = 1;
        return edges;
    }

    /// <summary>The bin holding <paramref name="score"/>: [edges[i], edges[i+1]), the last bin closed on the right.</summary>
    public static int IndexOf(double[] edges, double score)
    {
        var found = Array.BinarySearch(edges, score);
        var index = found >= 0 ? found : ~found - 1;
        return Math.Clamp(index, 0, edges.Length - 2);
    }

    private static double Round(double value)
    {
        var scale = Math.Pow(10, 2 - (int)Math.Floor(Math.Log10(value)));
        return Math.Round(value * scale) / scale;
    }
}
