using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>
/// Writes report-PROTOCOL.md, hr-at-k-PROTOCOL.png, when the protocol has cold-start subsets cold-start-PROTOCOL.png, and
/// when a method gives probabilities reliability-PROTOCOL.png for a run into a folder.
/// </summary>
public static class ReportWriter
{
    public static string Write(EvaluationResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var plotName = $"hr-at-k-{result.Protocol}.png";
        HitRatePlot.SavePng(result, Path.Combine(directory, plotName));
        string? reliabilityName = null;
        if (result.Methods.FirstOrDefault(m => m.Calibration is not null) is { Calibration: { } calibration } method)
        {
            reliabilityName = $"reliability-{result.Protocol}.png";
            ReliabilityPlot.SavePng(calibration, $"Reliability, {method.Method}, {result.Dataset}, {result.Protocol}", Path.Combine(directory, reliabilityName));
        }
        string? coldStartName = null;
        if (result.Subsets.Count > 0)
        {
            coldStartName = $"cold-start-{result.Protocol}.png";
            ColdStartPlot.SavePng(result, Path.Combine(directory, coldStartName));
        }
        var reportPath = Path.Combine(directory, $"report-{result.Protocol}.md");
        File.WriteAllText(reportPath, MarkdownReport.Render(result, plotName, reliabilityName, coldStartName));
        return reportPath;
    }
}
