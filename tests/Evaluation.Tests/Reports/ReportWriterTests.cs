using Insights.Evaluation.Metrics;
using Insights.Evaluation.Protocols;
using Insights.Evaluation.Reports;

namespace Insights.Evaluation.Tests.Reports;

public class ReportWriterTests
{
    private static EvaluationResult Result() => new("tiny", "llo",
    [
        new MethodResult("most-popular", 4, [1, 12, 40, 60], 1.0),
        new MethodResult("propensity-model", 4, [1, 2, 3, 80], 4.5, ModelCalibration(),
            new MethodTiming(TimeSpan.FromMilliseconds(1234.6), TimeSpan.FromMilliseconds(56.7))),
    ], TimeSpan.FromSeconds(1), "lr-test");

    /// <summary>Ten predictions of 0.3 of which 1 came true and ten of 0.006 of which none did: ECE (10 x 0.2 + 10 x 0.006) / 20 = 0.103.</summary>
    private static Calibration ModelCalibration()
    {
        var calibration = Calibration.LogSpaced(lowestDecade: -3, binsPerDecade: 2);
        for (var i = 0; i < 10; i++) calibration.Add(0.3, happened: i == 0);
        for (var i = 0; i < 10; i++) calibration.Add(0.006, happened: false);
        return calibration;
    }

    [Fact]
    public void The_json_summary_has_one_object_per_method_with_the_agreed_keys()
    {
        var json = MethodSummary.ToJson(Result());

        Assert.Equal(
            """[{"method":"most-popular","members":4,"hr@10":0.25,"ndcg@10":0.25,"audience_lift@10":1,"ece":null,"fit_seconds":null,"rank_seconds":null,"subsets":[]},{"method":"propensity-model","members":4,"hr@10":0.75,"ndcg@10":0.5327,"audience_lift@10":4.5,"ece":0.103,"fit_seconds":1.235,"rank_seconds":0.057,"subsets":[]}]""",
            json);
    }

    [Fact]
    public void A_run_with_cold_start_subsets_gets_their_bar_plot_beside_their_table() => InReportFolder(folder =>
    {
        var result = Result() with { Subsets = [new TestSubset("movie with fewer than 10 earlier attendances", [0, 3])] };

        var markdown = File.ReadAllText(ReportWriter.Write(result, folder));

        AssertPlot(Path.Combine(folder, "cold-start-llo.png"));
        Assert.True(markdown.IndexOf("](cold-start-llo.png)", StringComparison.Ordinal) > markdown.IndexOf("## Cold start", StringComparison.Ordinal));
    });

    [Fact]
    public void A_run_without_subsets_gets_no_cold_start_plot() => InReportFolder(folder =>
    {
        ReportWriter.Write(Result(), folder);

        Assert.False(File.Exists(Path.Combine(folder, "cold-start-llo.png")));
    });

    [Fact]
    public void The_json_summary_gives_each_method_its_figures_on_every_cold_start_group()
    {
        // Cases 0 and 3: most-popular ranked them 1 and 60, the model 1 and 80; a group with no events has no figures.
        var result = Result() with
        {
            Subsets = [new TestSubset("movie with fewer than 10 earlier attendances", [0, 3]), new TestSubset("coming soon", [])],
        };

        var json = MethodSummary.ToJson(result);

        Assert.Contains("""
            "subsets":[{"name":"movie with fewer than 10 earlier attendances","events":2,"hr@10":0.5,"ndcg@10":0.5},{"name":"coming soon","events":0,"hr@10":null,"ndcg@10":null}]
            """, json);
    }

    [Fact]
    public void The_report_folder_gets_a_markdown_table_and_a_png_plot() => InReportFolder(folder =>
    {
        var path = ReportWriter.Write(Result(), folder);

        var markdown = File.ReadAllText(path);
        Assert.Contains("| propensity-model | 4 | 0.2500 | 0.7500 | 0.5327 | 0.7500 | 4.50 | 0.103 | 1.23 | 0.06 |", markdown);
        Assert.Contains("| most-popular | 4 | 0.2500 | 0.2500 | 0.2500 | 0.7500 | 1.00 | n/a | n/a | n/a |", markdown);
        foreach (var plot in new[] { "hr-at-k-llo.png", "reliability-llo.png" })
        {
            AssertPlot(Path.Combine(folder, plot));
            Assert.Contains($"]({plot})", markdown);
        }
    });

    /// <summary>Runs a test against a fresh report folder, deleted afterwards.</summary>
    private static void InReportFolder(Action<string> test)
    {
        var folder = Path.Combine(Path.GetTempPath(), "insights-report-" + Guid.NewGuid().ToString("N"));
        try { test(folder); }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>A PNG file of more than 5,000 bytes, as a drawn plot is.</summary>
    private static void AssertPlot(string path)
    {
        var png = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 5_000, $"{Path.GetFileName(path)} has content");
    }

    [Fact]
    public void The_report_says_why_baselines_have_no_ece_and_lists_the_models_bins()
    {
        var markdown = MarkdownReport.Render(Result(), plotFileName: null);

        Assert.Contains("ECE is n/a for the baselines: their scores (counts, similarities) only rank candidates and are not probabilities.", markdown);
        Assert.Contains("20 scored candidates, 1 of them the actual attendance (base rate 0.05); ECE 0.103.", markdown);
        Assert.Contains("| [0.00316, 0.01) | 10 | 0 | 0.006 | 0 | 0.00 |", markdown);
        Assert.Contains("| [0.1, 0.316) | 10 | 1 | 0.3 | 0.1 | 0.33 |", markdown);
    }

    [Fact]
    public void The_report_gives_each_subsets_hr_and_ndcg_per_method_with_its_count()
    {
        var result = Result() with
        {
            Subsets = [new TestSubset("movie with fewer than 10 earlier attendances", [0, 2]), new TestSubset("coming soon", [])],
        };

        var markdown = MarkdownReport.Render(result, plotFileName: null);

        Assert.Contains("| test events | count | most-popular | propensity-model |", markdown);
        Assert.Contains("| all | 4 | 0.2500 / 0.2500 | 0.7500 / 0.5327 |", markdown);
        // Cases 0 and 2: most-popular's ranks 1 and 40, the model's 1 and 3 (NDCG (1 + 1/log2(4)) / 2 = 0.75).
        Assert.Contains("| movie with fewer than 10 earlier attendances | 2 | 0.5000 / 0.5000 | 1.0000 / 0.7500 |", markdown);
        Assert.Contains("| coming soon | 0 | n/a | n/a |", markdown);
    }

    [Fact]
    public void The_report_says_how_the_model_was_trained_and_what_inverted_eases_matrix()
    {
        var trained = Result() with { ModelTraining = TimeSpan.FromSeconds(12.34), EaseInverse = "LAPACK dpotrf + dpotri in OpenBLAS 0.3.21" };

        Assert.Contains("Model lr-test (from a file); 4 ranked cases", MarkdownReport.Render(Result(), plotFileName: null));
        var markdown = MarkdownReport.Render(trained, plotFileName: null);
        Assert.Contains("Model lr-test (trained on the validation split in 12.3 s); 4 ranked cases; run took 1.0 s.", markdown);
        Assert.Contains("EASE's Gram matrix inverted with LAPACK dpotrf + dpotri in OpenBLAS 0.3.21.", markdown);
    }
}
