using System.Numerics;

namespace Insights.Evaluation.Baselines;

/// <summary>
/// EASE (Steck 2019): B = I - P diagMat(1 / diag(P)) with P = (X'X + lambda I)^-1, diagonal of B zero;
/// a member's scores are x_u B. P comes from the Cholesky factor of the Gram matrix (<see cref="CholeskyInverse"/>):
/// about n^3 operations, which OpenBLAS runs in seconds for ~9,000 movies.
/// </summary>
public sealed class Ease : IRankingMethod
{
    private readonly ItemIndex index;
    private readonly IReadOnlyDictionary<int, int[]> histories;
    private readonly double[] b; // row-major n x n
    private readonly double[] memberScores;

    public Ease(IReadOnlyDictionary<int, int[]> histories, ItemIndex index, double lambda = 100)
    {
        this.index = index;
        this.histories = histories;
        var n = index.Count;
        var p = new double[n * n];
        foreach (var history in histories.Values)
        {
            var items = history.Select(index.Of).Where(i => i >= 0).Distinct().ToArray();
            foreach (var i in items)
                foreach (var j in items) p[i * n + j] += 1;
        }
        for (var i = 0; i < n; i++) p[i * n + i] += lambda;
        Inverse = CholeskyInverse.Implementation;
        CholeskyInverse.InvertInPlace(p, n);
        var diagonal = new double[n];
        for (var j = 0; j < n; j++) diagonal[j] = p[j * n + j];
        // Row by row rather than down columns: at 9,000 movies the matrix is 650 MB, and strided passes miss the cache.
        for (var i = 0; i < n; i++)
        {
            var row = p.AsSpan(i * n, n);
            for (var j = 0; j < n; j++) row[j] = -row[j] / diagonal[j];
            row[i] = 0;
        }
        b = p;
        memberScores = new double[n];
    }

    public string Name => "ease";

    /// <summary>What inverted the Gram matrix (OpenBLAS or the managed fallback).</summary>
    public string Inverse { get; }

    public void Score(int memberId, ReadOnlySpan<int> candidates, Span<float> scores)
    {
        var n = index.Count;
        Array.Clear(memberScores);
        if (histories.TryGetValue(memberId, out var history))
        {
            foreach (var i in history.Select(index.Of).Where(i => i >= 0).Distinct())
                Add(memberScores, b.AsSpan(i * n, n));
        }
        for (var c = 0; c < candidates.Length; c++)
        {
            var j = index.Of(candidates[c]);
            scores[c] = j >= 0 ? (float)memberScores[j] : float.NegativeInfinity;
        }
    }

    private static void Add(Span<double> target, ReadOnlySpan<double> source)
    {
        var width = Vector<double>.Count;
        var j = 0;
        for (; j <= target.Length - width; j += width)
            (new Vector<double>(target[j..]) + new Vector<double>(source[j..])).CopyTo(target[j..]);
        for (; j < target.Length; j++) target[j] += source[j];
    }
}
