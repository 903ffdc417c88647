using Insights.Evaluation.Baselines;
using Insights.Propensity.Scoring;

namespace Insights.Evaluation.Training;

/// <summary>
/// The propensity model as a ranking method: members are scored with their streaming state as of their
/// newest training event (no knowledge of when the next one happens).
/// </summary>
public sealed class StreamingModelMethod(StreamingReplay replay, PropensityModel model) : IProbabilityMethod
{
    private readonly PropensityScorer scorer = new(model, replay.Dataset.Catalog);

    public string Name => "propensity-model";

    public void Score(int memberId, ReadOnlySpan<int> candidates, Span<float> scores)
    {
        var member = replay.MemberOf(memberId);
        scorer.LogOdds(member, candidates, replay.Collective, member.LastAt ?? 0, scores);
    }

    /// <summary>Scores are log-odds; the model's probability is their sigmoid.</summary>
    public double Probability(float score) => PropensityScorer.Sigmoid(score);
}
