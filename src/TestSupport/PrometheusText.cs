using System.Globalization;

namespace Insights.TestSupport;

/// <summary>Reads samples out of a /metrics answer (the Prometheus text format the roles serve).</summary>
public static class PrometheusText
{
    /// <summary>The value of the first sample of <paramref name="series"/> whose labels include every one of <paramref name="labels"/>, or null.</summary>
    public static double? Sample(string metrics, string series, params string[] labels)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(series + "{", StringComparison.Ordinal) && !line.StartsWith(series + " ", StringComparison.Ordinal)) continue;
            if (labels.Any(l => !line.Contains(l, StringComparison.Ordinal))) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return null;
    }
}
