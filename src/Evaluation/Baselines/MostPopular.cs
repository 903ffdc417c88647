namespace Insights.Evaluation.Baselines;

/// <summary>Scores a movie by how many training attendances it has; the same for every member.</summary>
public sealed class MostPopular : IRankingMethod
{
    private readonly Dictionary<int, float> counts = [];

    public MostPopular(IReadOnlyDictionary<int, int[]> histories)
    {
        foreach (var history in histories.Values)
            foreach (var movie in history) counts[movie] = counts.GetValueOrDefault(movie) + 1;
    }

    public string Name => "most-popular";

    public void Score(int memberId, ReadOnlySpan<int> candidates, Span<float> scores)
    {
        for (var c = 0; c < candidates.Length; c++) scores[c] = counts.GetValueOrDefault(candidates[c]);
    }
}
