using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>Writes report.md and hr-at-k.png for a run into a folder.</summary>
public static class ReportWriter
{
    public static string Write(EvaluationResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var plotName = $"hr-at-k-{result.Protocol}.png";
        HitRatePlot.SavePng(result, Path.Combine(directory, plotName));
        var reportPath = Path.Combine(directory, $"report-{result.Protocol}.md");
        File.WriteAllText(reportPath, MarkdownReport.Render(result, plotName));
        return reportPath;
    }
}
