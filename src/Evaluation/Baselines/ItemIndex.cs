namespace Insights.Evaluation.Baselines;

/// <summary>Dense 0..n-1 indexes for the movies of the training data, for the matrix baselines.</summary>
public sealed class ItemIndex
{
    private readonly Dictionary<int, int> indexOf = [];

    public ItemIndex(IEnumerable<int> movieIds)
    {
        foreach (var id in movieIds.Distinct().Order()) indexOf[id] = indexOf.Count;
        Ids = new int[indexOf.Count];
        foreach (var (id, index) in indexOf) Ids[index] = id;
    }

    public int Count => indexOf.Count;
    public int[] Ids { get; }

    /// <summary>The dense index of a movie, or -1 when it never occurs in training.</summary>
    public int Of(int movieId) => indexOf.TryGetValue(movieId, out var index) ? index : -1;
}
