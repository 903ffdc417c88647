namespace Insights.Evaluation.Metrics;

/// <summary>
/// Calibration of predicted probabilities against outcomes: predictions are grouped into bins by their value,
/// each bin's mean prediction is set against its observed rate (the reliability diagram), and the expected
/// calibration error ECE = Σ_b (n_b / N) |mean predicted_b - observed rate_b|. Predictions are added one at a
/// time and only per-bin sums are kept, because a prequential run makes tens of millions of them.
/// </summary>
public sealed class Calibration
{
    private readonly double[] upperEdges;
    private readonly long[] counts;
    private readonly long[] observed;
    private readonly double[] predictedSums;

    /// <param name="upperEdges">
    /// Ascending upper edges of the bins; bin b holds predictions in [edge_(b-1), edge_b), the first bin starts
    /// at 0 and the last edge must be 1, whose bin also holds predictions of exactly 1.
    /// </param>
    public Calibration(IReadOnlyList<double> upperEdges)
    {
        if (upperEdges.Count == 0 || upperEdges[^1] != 1) throw new ArgumentException("the last bin must end at 1", nameof(upperEdges));
        for (var b = 0; b < upperEdges.Count; b++)
            if (upperEdges[b] <= (b == 0 ? 0 : upperEdges[b - 1])) throw new ArgumentException("bin edges must ascend from above 0", nameof(upperEdges));
        this.upperEdges = [.. upperEdges];
        counts = new long[upperEdges.Count];
        observed = new long[upperEdges.Count];
        predictedSums = new double[upperEdges.Count];
    }

    /// <summary>Bins of equal width: [0, 1/n), [1/n, 2/n), ... [(n-1)/n, 1].</summary>
    public static Calibration EqualWidth(int binCount) =>
        new([.. Enumerable.Range(1, binCount).Select(b => b == binCount ? 1.0 : (double)b / binCount)]);

    /// <summary>
    /// Bins of equal width in log10(p), <paramref name="binsPerDecade"/> per decade from 10^<paramref name="lowestDecade"/>
    /// up to 1, below them one bin [0, 10^lowestDecade). For predictions spread over orders of magnitude, as when
    /// one of a thousand candidates comes true.
    /// </summary>
    public static Calibration LogSpaced(int lowestDecade, int binsPerDecade)
    {
        if (lowestDecade >= 0 || binsPerDecade < 1) throw new ArgumentOutOfRangeException(nameof(lowestDecade), "need a negative decade and at least one bin per decade");
        var steps = -lowestDecade * binsPerDecade;
        return new([.. Enumerable.Range(0, steps + 1).Select(i => i == steps ? 1.0 : Math.Pow(10, lowestDecade + (double)i / binsPerDecade))]);
    }

    /// <summary>Number of predictions added.</summary>
    public long Count { get; private set; }

    public void Add(double predicted, bool happened)
    {
        if (!(predicted is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(predicted), predicted, "a probability is in [0, 1]");
        var bin = BinOf(predicted);
        counts[bin]++;
        predictedSums[bin] += predicted;
        if (happened) observed[bin]++;
        Count++;
    }

    /// <summary>Every bin in order, empty ones included.</summary>
    public IReadOnlyList<CalibrationBin> Bins() =>
        [.. Enumerable.Range(0, counts.Length).Select(b => new CalibrationBin(
            b == 0 ? 0 : upperEdges[b - 1], upperEdges[b], counts[b], observed[b], counts[b] == 0 ? 0 : predictedSums[b] / counts[b]))];

    /// <summary>Σ_b (n_b / N) |mean predicted_b - observed rate_b|; 0 when nothing was added.</summary>
    public double ExpectedCalibrationError()
    {
        if (Count == 0) return 0;
        double sum = 0;
        for (var b = 0; b < counts.Length; b++)
            if (counts[b] > 0) sum += Math.Abs(predictedSums[b] - observed[b]); // n_b |mean_b - rate_b| = |Σ p - hits|
        return sum / Count;
    }

    private int BinOf(double predicted)
    {
        // The first edge above the prediction; a prediction of exactly 1 stays in the last bin.
        var index = Array.BinarySearch(upperEdges, predicted);
        var bin = index >= 0 ? index + 1 : ~index;
        return Math.Min(bin, upperEdges.Length - 1);
    }
}
