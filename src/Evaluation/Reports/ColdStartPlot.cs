using Insights.Evaluation.Metrics;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>HR@10 of every method on all test events and on each cold-start subset, as grouped bars in a PNG (ScottPlot 5).</summary>
public static class ColdStartPlot
{
    public const int K = 10;

    public static void SavePng(EvaluationResult result, string path, int width = 1000, int height = 560)
    {
        var groups = result.Subsets.Prepend(TestSubset.All(result.Methods.FirstOrDefault()?.Ranks.Count ?? 0)).ToList();
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var slot = result.Methods.Count + 1; // one empty slot between groups
        var bars = new List<ScottPlot.Bar>();
        for (var g = 0; g < groups.Count; g++)
            for (var m = 0; m < result.Methods.Count; m++)
                bars.Add(new ScottPlot.Bar
                {
                    Position = g * slot + m,
                    Value = Ranking.HitRate(groups[g].RanksOf(result.Methods[m]), K),
                    FillColor = palette.GetColor(m),
                });
        plot.Add.Bars(bars);
        for (var m = 0; m < result.Methods.Count; m++)
            plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = result.Methods[m].Method, FillColor = palette.GetColor(m) });
        var ticks = groups.Select((group, g) => new ScottPlot.Tick(g * slot + (result.Methods.Count - 1) / 2.0, $"{Short(group.Name)}\n({group.Cases.Count} events)")).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Margins(bottom: 0);
        plot.Title($"HR@{K} on cold-start test events, {result.Dataset}, protocol {result.Protocol}");
        plot.YLabel($"HR@{K}");
        plot.ShowLegend(ScottPlot.Edge.Right);
        plot.SavePng(path, width, height);
    }

    // The subsets' names are sentences; a tick label keeps their gist.
    private static string Short(string name) => name.Replace("movie with ", "").Replace(": movie first attended in the last", ",").Replace("earlier attendances", "earlier");
}
