using Insights.Evaluation.Metrics;

namespace Insights.Evaluation.Tests.Metrics;

public class RankingTests
{
    [Fact]
    public void The_rank_is_one_plus_the_other_candidates_scoring_at_least_the_target()
    {
        float[] scores = [0.9f, 0.5f, 0.7f, 0.5f, 0.1f];

        Assert.Equal(1, Ranking.PessimisticRank(scores, 0));
        Assert.Equal(2, Ranking.PessimisticRank(scores, 2));
        Assert.Equal(4, Ranking.PessimisticRank(scores, 1)); // the tie with candidate 3 counts against it
        Assert.Equal(5, Ranking.PessimisticRank(scores, 4));
    }

    [Fact]
    public void Hit_rate_is_the_share_of_ranks_within_k()
    {
        int[] ranks = [1, 3, 10, 11, 50];

        Assert.Equal(0.2, Ranking.HitRate(ranks, 1));
        Assert.Equal(0.6, Ranking.HitRate(ranks, 10));
        Assert.Equal(1.0, Ranking.HitRate(ranks, 50));
    }

    [Fact]
    public void Ndcg_gives_one_over_log2_of_rank_plus_one_within_k()
    {
        int[] ranks = [1, 3, 11];

        var expected = (1 + 1 / Math.Log2(4)) / 3;
        Assert.Equal(expected, Ranking.Ndcg(ranks, 10), 12);
        Assert.Equal(1.0 / 3, Ranking.Ndcg(ranks, 1), 12);
    }

    [Fact]
    public void A_setting_ranks_better_by_hit_rate_and_on_a_tie_by_ndcg()
    {
        Assert.True(Ranking.RanksBetter((0.25, 0.10), (0.24, 0.13)));
        Assert.True(Ranking.RanksBetter((0.25, 0.12), (0.25, 0.11)));
        Assert.False(Ranking.RanksBetter((0.25, 0.11), (0.25, 0.11)));
        Assert.False(Ranking.RanksBetter((0.24, 0.20), (0.25, 0.10)));
    }
}
