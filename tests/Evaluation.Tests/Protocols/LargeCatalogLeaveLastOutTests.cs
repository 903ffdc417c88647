using Insights.Evaluation.Data;
using Insights.Evaluation.Protocols;
using Insights.Evaluation.Tests.Data;

namespace Insights.Evaluation.Tests.Protocols;

/// <summary>
/// The LLO evaluation of a made-up MovieLens CSV release the size of ml-latest-small (9,000 movies, 610 members): it
/// completes, EASE's 9,000 x 9,000 inverse included, and every method ranks each member's full candidate set. How long
/// it takes is measured with `./insights evaluate` (docs/model.md), not asserted here.
/// </summary>
public class LargeCatalogLeaveLastOutTests
{
    private static readonly Lazy<(Dataset Dataset, EvaluationResult Result)> Run = new(() =>
    {
        using var release = new SyntheticCsvRelease(movies: 9_000, members: 610);
        var dataset = DatasetLoader.Load(release.Folder);
        return (dataset, LeaveLastOutEvaluation.Run(dataset, model: null));
    });

    private static MethodResult Method(string name) => Run.Value.Result.Methods.Single(m => m.Method == name);

    [Fact]
    public void Every_method_ranks_every_member_among_the_whole_catalog()
    {
        var (dataset, result) = Run.Value;

        Assert.Equal(9_000, dataset.Catalog.Count);
        Assert.Equal(["most-popular", "item-knn", "item-knn-recency", "ease", "propensity-model"], result.Methods.Select(m => m.Method));
        Assert.All(result.Methods, m =>
        {
            Assert.Equal(610, m.Ranks.Count);
            Assert.All(m.Ranks, rank => Assert.InRange(rank, 1, 9_000));
            Assert.NotNull(m.Timing);
        });
    }

    [Fact]
    public void Ease_finds_the_taste_groups_at_nine_thousand_movies()
    {
        // Members lean to one of 30 groups of movies: co-occurrence beats popularity if the inverse is right at this size.
        // Measured: EASE HR@10 0.2016, most-popular 0.1197.
        Assert.True(Method("ease").HitRate(10) > Method("most-popular").HitRate(10) + 0.03,
            $"ease {Method("ease").HitRate(10):F4}, most-popular {Method("most-popular").HitRate(10):F4}");
        Assert.NotNull(Run.Value.Result.EaseInverse);
    }

    [Fact]
    public void The_cold_start_subsets_are_reported_and_nested()
    {
        var subsets = Run.Value.Result.Subsets;

        Assert.Equal(3, subsets.Count);
        Assert.NotEmpty(subsets[0].Cases);
        Assert.Superset(subsets[0].Cases.ToHashSet(), subsets[1].Cases.ToHashSet());
        Assert.True(subsets[1].Cases.Count < 610, "popular movies are held out too");
    }
}
