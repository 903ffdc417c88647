using System.Globalization;
using System.Text;
using Insights.Evaluation.Metrics;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>The side-by-side table of one run, and the calibration of the methods that give probabilities, as markdown.</summary>
public static class MarkdownReport
{
    public static string Render(EvaluationResult result, string? plotFileName, string? reliabilityPlotFileName = null, string? coldStartPlotFileName = null)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Evaluation: {result.Dataset}, protocol {result.Protocol}");
        text.AppendLine();
        var training = result.ModelTraining is { } trained ? $" (trained on the validation split in {trained.TotalSeconds:F1} s)" : " (from a file)";
        text.AppendLine(c, $"Model {result.ModelVersion}{training}; {result.Methods.FirstOrDefault()?.Ranks.Count ?? 0} ranked cases; " +
            $"run took {result.Elapsed.TotalSeconds:F1} s.");
        if (result.EaseInverse is { } inverse) text.AppendLine(c, $"EASE's Gram matrix inverted with {inverse}.");
        text.AppendLine();
        text.AppendLine("| method | members | HR@1 | HR@10 | NDCG@10 | HR@50 | audience lift@10 | ECE | fit s | rank s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in result.Methods)
        {
            var lift = m.AudienceLift10 is { } value ? value.ToString("F2", c) : "n/a";
            var ece = m.Calibration is { } calibration ? FormatProbability(calibration.ExpectedCalibrationError()) : "n/a";
            var (fit, rank) = m.Timing is { } timing ? (timing.Fit.TotalSeconds.ToString("F2", c), timing.Rank.TotalSeconds.ToString("F2", c)) : ("n/a", "n/a");
            text.AppendLine(c, $"| {m.Method} | {m.Members} | {m.HitRate(1):F4} | {m.HitRate(10):F4} | {m.Ndcg(10):F4} | {m.HitRate(50):F4} | {lift} | {ece} | {fit} | {rank} |");
        }
        if (result.Methods.Any(m => m.Calibration is null))
        {
            text.AppendLine();
            text.AppendLine("ECE is n/a for the baselines: their scores (counts, similarities) only rank candidates and are not probabilities.");
        }
        if (result.Subsets.Count > 0) AppendSubsets(text, result, coldStartPlotFileName);
        if (plotFileName is not null)
        {
            text.AppendLine();
            text.AppendLine(c, $"![HR@k for k = 1..50]({plotFileName})");
        }
        foreach (var m in result.Methods)
            if (m.Calibration is { } calibration) AppendCalibration(text, m.Method, calibration, reliabilityPlotFileName);
        return text.ToString();
    }

    /// <summary>A row per subset of the test cases (the whole set first), a column per method: HR@10 / NDCG@10 on those cases.</summary>
    private static void AppendSubsets(StringBuilder text, EvaluationResult result, string? plotFileName)
    {
        var c = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine("## Cold start");
        text.AppendLine();
        text.AppendLine("HR@10 / NDCG@10 on the test events whose movie had few attendances before the event (in the training data up to " +
            "its time), and on those whose movie was first attended in the data's last days (coming soon).");
        text.AppendLine();
        text.AppendLine(c, $"| test events | count | {string.Join(" | ", result.Methods.Select(m => m.Method))} |");
        text.AppendLine(c, $"|---|---:|{string.Concat(result.Methods.Select(_ => "---:|"))}");
        foreach (var subset in result.Subsets.Prepend(TestSubset.All(result.Methods.FirstOrDefault()?.Ranks.Count ?? 0)))
        {
            var cells = result.Methods.Select(m => subset.Cases.Count == 0 ? "n/a"
                : string.Create(c, $"{Ranking.HitRate(subset.RanksOf(m), 10):F4} / {Ranking.Ndcg(subset.RanksOf(m), 10):F4}"));
            text.AppendLine(c, $"| {subset.Name} | {subset.Cases.Count:N0} | {string.Join(" | ", cells)} |");
        }
        if (plotFileName is null) return;
        text.AppendLine();
        text.AppendLine(c, $"![HR@10 per method on each group of test events]({plotFileName})");
    }

    private static void AppendCalibration(StringBuilder text, string method, Calibration calibration, string? plotFileName)
    {
        var c = CultureInfo.InvariantCulture;
        var bins = calibration.Bins();
        var observed = bins.Sum(b => b.Observed);
        text.AppendLine();
        text.AppendLine(c, $"## Calibration: {method}");
        text.AppendLine();
        text.AppendLine(c, $"{calibration.Count:N0} scored candidates, {observed:N0} of them the actual attendance " +
            $"(base rate {FormatProbability(calibration.Count == 0 ? 0 : (double)observed / calibration.Count)}); " +
            $"ECE {FormatProbability(calibration.ExpectedCalibrationError())}. Bins without predictions are left out.");
        text.AppendLine();
        text.AppendLine("| predicted probability | candidates | attended | mean predicted | observed rate | observed / predicted |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var b in bins)
        {
            if (b.Count == 0) continue;
            var ratio = b.MeanPredicted > 0 ? (b.ObservedRate / b.MeanPredicted).ToString("F2", c) : "n/a";
            text.AppendLine(c, $"| [{FormatProbability(b.Lower)}, {FormatProbability(b.Upper)}) | {b.Count:N0} | {b.Observed:N0} | " +
                $"{FormatProbability(b.MeanPredicted)} | {FormatProbability(b.ObservedRate)} | {ratio} |");
        }
        if (plotFileName is not null)
        {
            text.AppendLine();
            text.AppendLine(c, $"![Reliability diagram, {method}]({plotFileName})");
        }
    }

    /// <summary>Probabilities span orders of magnitude here: 3 significant digits.</summary>
    internal static string FormatProbability(double p) => p.ToString("G3", CultureInfo.InvariantCulture);
}
