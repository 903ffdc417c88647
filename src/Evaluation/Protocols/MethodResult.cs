using Insights.Evaluation.Metrics;

namespace Insights.Evaluation.Protocols;

/// <summary>
/// One method's outcome under a protocol: the rank of every evaluated case, audience lift when the protocol has it,
/// and the calibration of its probabilities over every scored candidate when the method gives probabilities.
/// </summary>
public sealed record MethodResult(string Method, int Members, IReadOnlyList<int> Ranks, double? AudienceLift10, Calibration? Calibration = null,
    MethodTiming? Timing = null)
{
    public double HitRate(int k) => Ranking.HitRate(Ranks, k);
    public double Ndcg(int k) => Ranking.Ndcg(Ranks, k);
}

/// <summary>All methods' results of one run, with what was run on what.</summary>
public sealed record EvaluationResult(string Dataset, string Protocol, IReadOnlyList<MethodResult> Methods, TimeSpan Elapsed, string ModelVersion)
{
    /// <summary>How long training the model on the validation split took; null when the model came from a file.</summary>
    public TimeSpan? ModelTraining { get; init; }

    /// <summary>What inverted EASE's Gram matrix (OpenBLAS or the managed fallback), when EASE ran.</summary>
    public string? EaseInverse { get; init; }

    /// <summary>Parts of the test cases reported on their own (LLO's cold-start events).</summary>
    public IReadOnlyList<TestSubset> Subsets { get; init; } = [];
}

/// <summary>
/// What a method cost in one run: building it from the training split (for the streaming model, replaying the split
/// into its state) and ranking every test member's candidates.
/// </summary>
public sealed record MethodTiming(TimeSpan Fit, TimeSpan Rank);
