namespace Insights.Evaluation.Protocols;

/// <summary>
/// LLO candidates for a member: every movie seen in training plus the held-out movie, minus the member's
/// training movies. The held-out movie is always kept and its index returned.
/// </summary>
public sealed class LloCandidates(LeaveLastOutSplit split)
{
    private readonly HashSet<int> seen = [];
    private readonly List<int> candidates = new(split.TrainMovies.Length + 1);

    public (int[] Candidates, int TargetIndex) For(int memberId, int targetMovie)
    {
        seen.Clear();
        if (split.Histories.TryGetValue(memberId, out var history)) seen.UnionWith(history);
        candidates.Clear();
        var targetIndex = -1;
        foreach (var movie in split.TrainMovies)
        {
            if (movie == targetMovie) targetIndex = candidates.Count;
            else if (seen.Contains(movie)) continue;
            candidates.Add(movie);
        }
        if (targetIndex < 0)
        {
            targetIndex = candidates.Count;
            candidates.Add(targetMovie);
        }
        return ([.. candidates], targetIndex);
    }

    /// <summary>Whether the member saw the movie in training.</summary>
    public bool Seen(int memberId, int movie) => split.Histories.TryGetValue(memberId, out var history) && history.Contains(movie);
}
