namespace Insights.Evaluation.Metrics;

/// <summary>Ranks and the top-k metrics computed from them.</summary>
public static class Ranking
{
    /// <summary>Pessimistic rank: 1 + the number of other candidates scoring at least the target's score.</summary>
    public static int PessimisticRank(ReadOnlySpan<float> scores, int targetIndex)
    {
        var target = scores[targetIndex];
        var rank = 1;
        for (var c = 0; c < scores.Length; c++)
            if (c != targetIndex && scores[c] >= target) rank++;
        return rank;
    }

    /// <summary>Share of cases whose rank is at most k.</summary>
    public static double HitRate(IReadOnlyList<int> ranks, int k)
    {
        if (ranks.Count == 0) return 0;
        var hits = 0;
        foreach (var rank in ranks) if (rank <= k) hits++;
        return (double)hits / ranks.Count;
    }

    /// <summary>How settings are chosen on validation: the higher HR@10, and on a tie the higher NDCG@10.</summary>
    public static bool RanksBetter((double Hr, double Ndcg) candidate, (double Hr, double Ndcg) best) =>
        candidate.Hr > best.Hr || (candidate.Hr == best.Hr && candidate.Ndcg > best.Ndcg);

    /// <summary>Mean of 1/log2(rank + 1) over cases with rank at most k (0 otherwise).</summary>
    public static double Ndcg(IReadOnlyList<int> ranks, int k)
    {
        if (ranks.Count == 0) return 0;
        double sum = 0;
        foreach (var rank in ranks) if (rank <= k) sum += 1 / Math.Log2(rank + 1);
        return sum / ranks.Count;
    }
}
