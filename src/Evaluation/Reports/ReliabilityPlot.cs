using System.Globalization;
using Insights.Evaluation.Metrics;

namespace Insights.Evaluation.Reports;

/// <summary>
/// A reliability diagram as a PNG (ScottPlot 5): each bin's mean predicted probability against its observed rate,
/// labelled with the bin's count, and the diagonal of perfect calibration. Both axes are log10, because the
/// candidate probabilities span several orders of magnitude; a bin where nothing was attended cannot sit on a
/// log axis and is drawn on the bottom edge as an open triangle.
/// </summary>
public static class ReliabilityPlot
{
    public static void SavePng(Calibration calibration, string title, string path, int width = 900, int height = 700)
    {
        var bins = calibration.Bins().Where(b => b.Count > 0).ToArray();
        var plotted = bins.Where(b => b.Observed > 0).ToArray();
        var unattended = bins.Where(b => b.Observed == 0).ToArray();
        var smallest = bins.Select(b => b.MeanPredicted).Concat(plotted.Select(b => b.ObservedRate)).Where(p => p > 0).DefaultIfEmpty(1e-3).Min();
        var floor = Math.Floor(Math.Log10(smallest) * 2) / 2 - 0.25;

        var plot = new ScottPlot.Plot();
        var diagonal = plot.Add.Line(floor, floor, 0, 0);
        diagonal.LegendText = "perfect calibration";
        diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
        diagonal.Color = ScottPlot.Colors.Gray;

        var points = plot.Add.Scatter(plotted.Select(b => Math.Log10(b.MeanPredicted)).ToArray(), plotted.Select(b => Math.Log10(b.ObservedRate)).ToArray());
        points.LegendText = "bin: observed rate vs mean predicted";
        points.MarkerSize = 9;
        points.LineWidth = 1;
        if (unattended.Length > 0)
        {
            var zeros = plot.Add.Markers(unattended.Select(b => Math.Log10(Math.Max(b.MeanPredicted, Math.Pow(10, floor)))).ToArray(),
                unattended.Select(_ => floor).ToArray(), ScottPlot.MarkerShape.OpenTriangleDown, 10, ScottPlot.Colors.OrangeRed);
            zeros.LegendText = "bin with no attendance (rate 0)";
        }
        foreach (var b in bins)
        {
            var x = Math.Log10(Math.Max(b.MeanPredicted, Math.Pow(10, floor)));
            var y = b.Observed > 0 ? Math.Log10(b.ObservedRate) : floor;
            var label = plot.Add.Text($"n={b.Count:N0}\n{b.Observed:N0} att.", x, y);
            label.LabelFontSize = 11;
            label.LabelAlignment = ScottPlot.Alignment.LowerLeft;
            label.OffsetX = 6;
            label.OffsetY = -4;
        }

        var ece = calibration.ExpectedCalibrationError().ToString("G3", CultureInfo.InvariantCulture);
        plot.Title($"{title} (ECE {ece}, {calibration.Count:N0} predictions)");
        plot.XLabel("mean predicted probability in bin (log scale)");
        plot.YLabel("observed attendance rate in bin (log scale)");
        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Axes.SetLimits(floor, 0.1, floor, 0.1);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }

    /// <summary>Ticks at whole decades of a log10 axis, labelled with the probability itself.</summary>
    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = exponent => Math.Pow(10, exponent).ToString(exponent >= -3 ? "0.###" : "0e0", CultureInfo.InvariantCulture),
    };
}
