namespace Insights.Evaluation.Baselines;

/// <summary>
/// Item-kNN: cosine similarity between movies over the binary member x movie matrix, each movie keeping
/// its 100 most similar movies. A candidate's score is the sum of its similarities to the member's
/// training movies among its neighbours. With a recency decay the member's movies are weighted by
/// exp(-age / decay), age counted in events back from the newest (DESIGN.md's recency-weighted variant).
/// </summary>
public sealed class ItemKnn : IRankingMethod
{
    private readonly ItemIndex index;
    private readonly IReadOnlyDictionary<int, int[]> histories;
    private readonly (int Item, float Similarity)[][] neighbours;
    private readonly double? recencyDecay;
    private readonly float[] memberWeights;

    public ItemKnn(IReadOnlyDictionary<int, int[]> histories, ItemIndex index, int neighbourCount = 100, double? recencyDecay = null)
    {
        this.index = index;
        this.histories = histories;
        this.recencyDecay = recencyDecay;
        Name = recencyDecay is null ? "item-knn" : "item-knn-recency";
        memberWeights = new float[index.Count];
        var n = index.Count;
        var membersOf = new List<int[]>[n];
        for (var i = 0; i < n; i++) membersOf[i] = [];
        var itemSets = new List<int[]>();
        var counts = new float[n];
        foreach (var history in histories.Values)
        {
            var items = history.Select(index.Of).Where(i => i >= 0).Distinct().ToArray();
            foreach (var i in items)
            {
                membersOf[i].Add(items);
                counts[i]++;
            }
        }
        neighbours = new (int, float)[n][];
        var co = new float[n];
        var touched = new List<int>();
        for (var i = 0; i < n; i++)
        {
            foreach (var items in membersOf[i])
                foreach (var j in items)
                {
                    if (co[j] == 0) touched.Add(j);
                    co[j]++;
                }
            var row = new List<(int, float)>(touched.Count);
            foreach (var j in touched)
            {
                if (j != i) row.Add((j, (float)(co[j] / Math.Sqrt(counts[i] * counts[j]))));
                co[j] = 0;
            }
            touched.Clear();
            row.Sort(static (a, b) => b.Item2 != a.Item2 ? b.Item2.CompareTo(a.Item2) : a.Item1.CompareTo(b.Item1));
            neighbours[i] = [.. row.Take(neighbourCount)];
        }
    }

    public string Name { get; }

    public void Score(int memberId, ReadOnlySpan<int> candidates, Span<float> scores)
    {
        Array.Clear(memberWeights);
        if (histories.TryGetValue(memberId, out var history))
        {
            for (var a = 0; a < history.Length; a++)
            {
                var i = index.Of(history[history.Length - 1 - a]);
                if (i < 0) continue;
                var w = recencyDecay is { } decay ? (float)Math.Exp(-a / decay) : 1f;
                memberWeights[i] = Math.Max(memberWeights[i], w); // a rewatch counts once, at its newest
            }
        }
        for (var c = 0; c < candidates.Length; c++)
        {
            var j = index.Of(candidates[c]);
            float score = 0;
            if (j >= 0)
                foreach (var (i, similarity) in neighbours[j]) score += memberWeights[i] * similarity;
            scores[c] = score;
        }
    }
}
