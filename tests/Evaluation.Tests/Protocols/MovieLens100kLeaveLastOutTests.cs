using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;

namespace Insights.Evaluation.Tests.Protocols;

/// <summary>
/// The LLO protocol on the real ml-100k data (read in place, never copied): the baselines reproduce the
/// reference values listed in docs/model.md, and the streaming model reaches HR@10 0.130 and NDCG@10 0.070 with the
/// best audience lift.
/// </summary>
public class MovieLens100kLeaveLastOutTests
{
    private static readonly Lazy<EvaluationResult?> Result = new(() =>
        DatasetFolder() is { } folder ? LeaveLastOutEvaluation.Run(DatasetLoader.Load(folder), model: null) : null);

    private static string? DatasetFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Insights.sln"))) directory = directory.Parent;
        if (directory is null) return null;
        var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "ml-100k"));
        return File.Exists(Path.Combine(folder, "u.data")) ? folder : null;
    }

    private static EvaluationResult Run()
    {
        var result = Result.Value;
        if (result is null) Assert.Skip("ml-100k not found at ../shared/data/ml-100k next to the repository (its licence forbids copying it here)");
        return result;
    }

    private static MethodResult Method(string name) => Run().Methods.Single(m => m.Method == name);

    [Theory]
    [InlineData("most-popular", 0.0498, 0.0250)]
    [InlineData("item-knn", 0.0710, 0.0370)]
    [InlineData("item-knn-recency", 0.1103, 0.0585)]
    [InlineData("ease", 0.0912, 0.0417)]
    public void Baselines_reproduce_the_reference_values(string method, double hr10, double ndcg10)
    {
        var result = Method(method);

        Assert.Equal(943, result.Members);
        Assert.Equal(hr10, result.HitRate(10), 0.003);
        Assert.Equal(ndcg10, result.Ndcg(10), 0.003);
    }

    [Fact]
    public void Every_method_is_timed_on_its_own()
    {
        var methods = Run().Methods;

        Assert.All(methods, m =>
        {
            Assert.NotNull(m.Timing);
            Assert.True(m.Timing.Fit > TimeSpan.Zero && m.Timing.Rank > TimeSpan.Zero, $"{m.Method}: fit {m.Timing.Fit}, rank {m.Timing.Rank}");
        });
        // EASE inverts a movies x movies matrix; counting popularity does not.
        Assert.True(Method("ease").Timing!.Fit > Method("most-popular").Timing!.Fit);
    }

    [Fact]
    public void The_streaming_model_reaches_the_quality_targets()
    {
        var model = Method("propensity-model");

        Assert.True(model.HitRate(10) >= 0.130, $"HR@10 {model.HitRate(10):F4}");
        Assert.True(model.Ndcg(10) >= 0.070, $"NDCG@10 {model.Ndcg(10):F4}");
    }

    [Fact]
    public void The_streaming_model_has_the_best_audience_lift()
    {
        var model = Method("propensity-model");

        foreach (var other in Run().Methods.Where(m => m.Method != model.Method))
            Assert.True(model.AudienceLift10 > other.AudienceLift10, $"model {model.AudienceLift10:F2} vs {other.Method} {other.AudienceLift10:F2}");
    }

    [Fact]
    public void Most_popular_cannot_tell_members_apart_so_its_lift_is_about_one()
    {
        Assert.InRange(Method("most-popular").AudienceLift10!.Value, 0.5, 1.5);
    }

    [Fact]
    public void The_models_calibration_covers_every_candidate_ranked_once_with_one_attendance_per_member()
    {
        var calibration = Method("propensity-model").Calibration!;

        var split = LeaveLastOutSplit.Of(DatasetLoader.Load(DatasetFolder()!).Attendances);
        var candidates = new LloCandidates(split);
        var ranked = split.HeldOut.Sum(h => (long)candidates.For(h.Key, h.Value.MovieId).Candidates.Length);

        Assert.Equal(ranked, calibration.Count);
        Assert.Equal(split.HeldOut.Count, calibration.Bins().Sum(b => b.Observed));
        Assert.All(Run().Methods.Where(m => m.Method != "propensity-model"), m => Assert.Null(m.Calibration));
    }

    [Fact]
    public void The_models_probabilities_are_calibrated_to_within_a_third_of_the_base_rate()
    {
        var calibration = Method("propensity-model").Calibration!;
        var baseRate = (double)calibration.Bins().Sum(b => b.Observed) / calibration.Count;

        // Measured 0.000197 against a base rate of 0.000635 (docs/model.md).
        Assert.InRange(calibration.ExpectedCalibrationError(), 0, baseRate / 3);
    }
}
