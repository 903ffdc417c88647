using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>HR@k for k = 1..50, one line per method, as a PNG (ScottPlot 5 on SkiaSharp).</summary>
public static class HitRatePlot
{
    public const int MaxK = 50;

    public static void SavePng(EvaluationResult result, string path, int width = 900, int height = 560)
    {
        var plot = new ScottPlot.Plot();
        var ks = Enumerable.Range(1, MaxK).Select(k => (double)k).ToArray();
        foreach (var method in result.Methods)
        {
            var line = plot.Add.Scatter(ks, ks.Select(k => method.HitRate((int)k)).ToArray());
            line.LegendText = method.Method;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        plot.Title($"HR@k, {result.Dataset}, protocol {result.Protocol}");
        plot.XLabel("k");
        plot.YLabel("HR@k");
        plot.Axes.SetLimitsX(1, MaxK);
        plot.Axes.SetLimitsY(0, Math.Max(0.05, result.Methods.Max(m => m.HitRate(MaxK)) * 1.05));
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }
}
