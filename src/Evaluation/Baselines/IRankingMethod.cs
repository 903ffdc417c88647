namespace Insights.Evaluation.Baselines;

/// <summary>A method under evaluation: scores candidate movies for a member (higher = more likely next).</summary>
public interface IRankingMethod
{
    string Name { get; }

    /// <summary>Scores distinct candidates for a member; the member's training history is known to the method.</summary>
    void Score(int memberId, ReadOnlySpan<int> candidates, Span<float> scores);
}
