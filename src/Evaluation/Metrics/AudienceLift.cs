namespace Insights.Evaluation.Metrics;

/// <summary>
/// Audience lift@10, the campaign view: for a movie, rank every member who had not seen it in training
/// by score (ties in random order); lift = (share of the movie's test members ranked in the top 10%) / 0.10.
/// 1 means no better than chance; the reported figure is the mean over movies with enough test members.
/// </summary>
public static class AudienceLift
{
    public const double TopShare = 0.10;

    /// <param name="candidates">Every eligible member with its score, and whether the movie is that member's test movie.</param>
    public static double ForMovie(IReadOnlyList<(float Score, bool IsTestMember)> candidates, Random random)
    {
        var testMembers = candidates.Count(c => c.IsTestMember);
        if (testMembers == 0) throw new ArgumentException("the movie has no test members among the candidates", nameof(candidates));
        // Shuffle first, then a stable sort by score: ties end up in random order.
        var order = candidates.ToArray();
        random.Shuffle(order);
        var ranked = order.Select((c, i) => (c, i)).OrderByDescending(x => x.c.Score).ThenBy(x => x.i).Select(x => x.c).ToArray();
        var top = (int)Math.Ceiling(TopShare * ranked.Length);
        var hits = ranked.Take(top).Count(c => c.IsTestMember);
        return (double)hits / testMembers / TopShare;
    }
}
