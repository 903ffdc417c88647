using System.Globalization;
using System.Text;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Reports;

/// <summary>The side-by-side table of one run, as markdown.</summary>
public static class MarkdownReport
{
    public static string Render(EvaluationResult result, string? plotFileName)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Evaluation: {result.Dataset}, protocol {result.Protocol}");
        text.AppendLine();
        text.AppendLine(c, $"Model {result.ModelVersion}; {result.Methods.FirstOrDefault()?.Ranks.Count ?? 0} ranked cases; run took {result.Elapsed.TotalSeconds:F1} s.");
        text.AppendLine();
        text.AppendLine("| method | members | HR@1 | HR@10 | NDCG@10 | HR@50 | audience lift@10 |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var m in result.Methods)
        {
            var lift = m.AudienceLift10 is { } value ? value.ToString("F2", c) : "n/a";
            text.AppendLine(c, $"| {m.Method} | {m.Members} | {m.HitRate(1):F4} | {m.HitRate(10):F4} | {m.Ndcg(10):F4} | {m.HitRate(50):F4} | {lift} |");
        }
        if (plotFileName is not null)
        {
            text.AppendLine();
            text.AppendLine(c, $"![HR@k for k = 1..50]({plotFileName})");
        }
        return text.ToString();
    }
}
