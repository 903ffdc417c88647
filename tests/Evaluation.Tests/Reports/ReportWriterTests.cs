using Insights.Evaluation.Protocols;
using Insights.Evaluation.Reports;

namespace Insights.Evaluation.Tests.Reports;

public class ReportWriterTests
{
    private static EvaluationResult Result() => new("tiny", "llo",
    [
        new MethodResult("most-popular", 4, [1, 12, 40, 60], 1.0),
        new MethodResult("propensity-model", 4, [1, 2, 3, 80], 4.5),
    ], TimeSpan.FromSeconds(1), "lr-test");

    [Fact]
    public void The_json_summary_has_one_object_per_method_with_the_agreed_keys()
    {
        var json = MethodSummary.ToJson(Result());

        Assert.Equal(
            """[{"method":"most-popular","members":4,"hr@10":0.25,"ndcg@10":0.25,"audience_lift@10":1},{"method":"propensity-model","members":4,"hr@10":0.75,"ndcg@10":0.5327,"audience_lift@10":4.5}]""",
            json);
    }

    [Fact]
    public void The_report_folder_gets_a_markdown_table_and_a_png_plot()
    {
        var folder = Path.Combine(Path.GetTempPath(), "insights-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = ReportWriter.Write(Result(), folder);

            var markdown = File.ReadAllText(path);
            Assert.Contains("| propensity-model | 4 | 0.2500 | 0.7500 | 0.5327 | 0.7500 | 4.50 |", markdown);
            var png = File.ReadAllBytes(Path.Combine(folder, "hr-at-k-llo.png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.True(png.Length > 5_000, "the plot has content");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
