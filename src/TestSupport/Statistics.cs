namespace Insights.TestSupport;

/// <summary>Figures over runs and samples: benches report medians of repeated runs, latencies as nearest-rank percentiles.</summary>
public static class Statistics
{
    /// <summary>The middle value (the mean of the two middle ones for an even count), ignoring NaN (a run that could not measure the figure); NaN when nothing is left.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The nearest-rank percentile <paramref name="q"/> (0..1] of values sorted ascending; NaN for none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
